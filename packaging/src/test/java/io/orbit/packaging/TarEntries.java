package io.orbit.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The headers of a .tar.gz (ustar, GNU and PAX long names), read without a library so the test sees exactly what is
 * in the file: name, mode, owner, mtime.
 */
final class TarEntries {

    record Entry(
            String name, char type, int mode, long uid, long gid, String user, String group, long mtime, long size) {

        boolean isFile() {
            return type == '0' || type == 0;
        }
    }

    private TarEntries() {}

    static List<Entry> read(Path tarGz) {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarGz), 1 << 16)) {
            List<Entry> entries = new ArrayList<>();
            String longName = null;
            while (true) {
                byte[] header = in.readNBytes(512);
                if (header.length < 512 || isZero(header)) {
                    return entries;
                }
                char type = (char) header[156];
                long size = octal(header, 124, 12);
                byte[] body = in.readNBytes((int) Math.min(size, Integer.MAX_VALUE));
                in.skipNBytes((512 - size % 512) % 512);
                switch (type) {
                    case 'L' -> longName = cString(body, 0, body.length);
                    case 'x' -> longName = paxPath(body);
                    case 'g' -> {} // PAX global header: no entry
                    default -> {
                        String name = longName != null ? longName : ustarName(header);
                        longName = null;
                        entries.add(new Entry(
                                name,
                                type,
                                (int) octal(header, 100, 8) & 07777, // permission bits (some writers add the file type)
                                octal(header, 108, 8),
                                octal(header, 116, 8),
                                cString(header, 265, 32),
                                cString(header, 297, 32),
                                octal(header, 136, 12),
                                size));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tarGz, e);
        }
    }

    /** The MTIME field of the gzip header (bytes 4–7, little-endian): 0 or fixed in a reproducible file. */
    static long gzipHeaderMtime(Path tarGz) {
        try (InputStream in = Files.newInputStream(tarGz)) {
            byte[] header = in.readNBytes(10);
            return (header[4] & 0xffL)
                    | (header[5] & 0xffL) << 8
                    | (header[6] & 0xffL) << 16
                    | (header[7] & 0xffL) << 24;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String ustarName(byte[] header) {
        String name = cString(header, 0, 100);
        String prefix = cString(header, 345, 155);
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String paxPath(byte[] body) {
        // records: "LEN key=value\n"
        for (String record : new String(body, StandardCharsets.UTF_8).split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] bytes, int offset, int length) {
        String text = cString(bytes, offset, length).strip();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
