package io.orbit.runtime.testing;

import io.orbit.runtime.LogLine;
import io.orbit.runtime.LogListener;
import io.orbit.runtime.LogStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a fake container's processes printed, kept like an engine's log file (across restarts), and the streams
 * following it. The lines are guarded by the runtime's lock; the followers may also leave from a reader's thread
 * (closing its stream). Lines reach listeners on each stream's own thread.
 */
final class FakeLog {

    private final List<LogLine> lines = new ArrayList<>();
    private final List<FakeLogStream> followers = new CopyOnWriteArrayList<>();

    /** Appends the lines of {@code output} (a trailing line break ends the last line, it adds no empty one). */
    void append(LogLine.Stream stream, Instant time, String output) {
        if (output.isEmpty()) {
            return;
        }
        String[] split = output.split("\n", -1);
        int count = output.endsWith("\n") ? split.length - 1 : split.length;
        for (int i = 0; i < count; i++) {
            LogLine line = new LogLine(stream, time, split[i]);
            lines.add(line);
            followers.forEach(follower -> follower.deliver(line));
        }
    }

    /** A stream of the last {@code tail} lines (all for a negative tail); with {@code follow} it stays open. */
    LogStream open(int tail, boolean follow, boolean running, LogListener listener) {
        FakeLogStream stream = new FakeLogStream(listener, followers::remove);
        int from = tail < 0 ? 0 : Math.max(0, lines.size() - tail);
        lines.subList(from, lines.size()).forEach(stream::deliver);
        if (follow && running) {
            followers.add(stream);
        } else {
            stream.end();
        }
        return stream;
    }

    /** The container stopped or was removed: following streams end after what they already got. */
    void endFollowers() {
        followers.forEach(FakeLogStream::end);
        followers.clear();
    }
}
