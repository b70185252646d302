package dev.workspacesync.windmill.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.windmill.testing.WorkspaceArchive;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server writes GNU tars (tokio-tar {@code Header::new_gnu}); their headers are read as GNU, not ustar. */
class ArchiveReaderGnuTarTest {
    @Test
    void gnuAccessTimeIsNotANamePrefixAndLongNamesComeFromLongLinks(@TempDir Path tmp) throws Exception {
        String longName = "f/x/" + "long_resource_name_".repeat(9) + "end.resource.json";
        WorkspaceArchive archive = new WorkspaceArchive()
                .json("f/x/a.variable.json", java.util.Map.of("value", "v"))
                .text(longName, "{}");
        byte[] tar = archive.toTar();
        // GNU keeps atime and ctime where ustar has its name prefix; a writer that sets them must not move files.
        setAccessTime(tar, 0);
        Path file = tmp.resolve("a.tar");
        Files.write(file, tar);
        try (ArchiveReader.Opened opened =
                new ArchiveReader(ArchiveReader.Limits.DEFAULTS).open(file, false, tmp.resolve("unpacked"))) {
            assertThat(opened.names()).containsExactly("f/x/a.variable.json", longName);
            assertThat(new String(opened.read("f/x/a.variable.json"), StandardCharsets.UTF_8))
                    .isEqualTo("{\n  \"value\": \"v\"\n}");
        }
    }

    private static void setAccessTime(byte[] tar, int header) {
        byte[] atime = "14707046315\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(atime, 0, tar, header + 345, atime.length);
        for (int i = 148; i < 156; i++) {
            tar[header + i] = ' ';
        }
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += tar[header + i] & 0xff;
        }
        byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(checksum, 0, tar, header + 148, checksum.length);
    }
}
