package dev.workspacesync.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The path a message names is one the person knows, whatever the temporary file was called. */
class FileErrorsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void messagesNameTheDirectoryNotTheTemporaryFile(int round) throws IOException {
        long seed = new SplittableRandom().nextLong() ^ round;
        System.out.println("FileErrorsTest seed " + seed);
        SplittableRandom random = new SplittableRandom(seed);
        Path dir = Files.createDirectories(tmp.resolve("d" + random.nextInt(1000)));
        Path target = dir.resolve("f" + random.nextInt(1000) + ".txt");
        Path temp =
                dir.resolve(".ws-" + random.nextLong(Long.MAX_VALUE) + (random.nextBoolean() ? ".partial" : ".tmp"));

        assertThat(FileErrors.describe(new AccessDeniedException(temp.toString()), target, temp))
                .as("seed " + seed)
                .isEqualTo("Permission denied: " + dir);
        assertThat(FileErrors.describe(new AccessDeniedException(temp.toString()), target, null))
                .as("seed " + seed + ": a temporary name is recognised without being given")
                .isEqualTo("Permission denied: " + dir);
        assertThat(FileErrors.describe(new AccessDeniedException(target.toString()), target, temp))
                .isEqualTo("Permission denied: " + target);
        assertThat(FileErrors.describe(
                        new FileSystemException(temp.toString(), null, "No space left on device"), target, temp))
                .isEqualTo("No space left on device: " + dir);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void aFileInTheWayIsNamed(int depth) throws IOException {
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        Path target = file;
        for (int i = 0; i < depth; i++) {
            target = target.resolve("sub" + i);
        }
        target = target.resolve("a.txt");
        assertThat(FileErrors.describe(new FileAlreadyExistsException(file.toString()), target, null))
                .isEqualTo(file + " is a file, not a directory");
        assertThat(FileErrors.describe(new FileSystemException(target.toString(), null, "Not a directory"), target))
                .isEqualTo(file + " is a file, not a directory");
    }
}
