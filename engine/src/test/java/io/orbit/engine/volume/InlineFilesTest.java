package io.orbit.engine.volume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class InlineFilesTest {

    @Test
    void readsOctalModesWithOrWithoutTheLeadingZero() {
        assertThat(PosixFilePermissions.toString(InlineFiles.mode("0644"))).isEqualTo("rw-r--r--");
        assertThat(PosixFilePermissions.toString(InlineFiles.mode("600"))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(InlineFiles.mode("0755"))).isEqualTo("rwxr-xr-x");
        assertThat(InlineFiles.mode(null)).isEqualTo(InlineFiles.DEFAULT_MODE);
    }

    @Test
    void aPlainNameStaysInItsDirectory() {
        assertThat(InlineFiles.isPlainName("nginx.conf")).isTrue();
        assertThat(InlineFiles.isPlainName("..hidden")).isTrue();
        assertThat(InlineFiles.isPlainName("..")).isFalse();
        assertThat(InlineFiles.isPlainName(".")).isFalse();
        assertThat(InlineFiles.isPlainName("")).isFalse();
        assertThat(InlineFiles.isPlainName("a/b")).isFalse();
        assertThat(InlineFiles.isPlainName("/etc/passwd")).isFalse();
        assertThat(InlineFiles.isPlainName("a\0b")).isFalse();
    }
}
