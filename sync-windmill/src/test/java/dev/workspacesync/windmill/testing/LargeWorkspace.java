package dev.workspacesync.windmill.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A large, legitimate workspace archive written to disk from a seed (never held in memory): {@code scripts}
 * Python scripts (code and metadata, two entries each) in 300 folders, and {@code largeFiles} script files
 * of {@code largeMiB} MiB each. The archive limits' defaults must let it through.
 */
public final class LargeWorkspace {
    private LargeWorkspace() {}

    /** Writes the archive to {@code zip}; returns the number of entries. */
    public static int write(Path zip, long seed, int scripts, int largeFiles, int largeMiB) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] meta = ("{\n  \"summary\": \"\",\n  \"description\": \"\",\n  \"schema\": {\"type\": \"object\","
                        + " \"properties\": {}, \"required\": []},\n  \"kind\": \"script\",\n  \"language\": \"python3\"\n}")
                .getBytes(StandardCharsets.UTF_8);
        try (ZipOutputStream out = new ZipOutputStream(
                new BufferedOutputStream(Files.newOutputStream(zip), 1 << 16), StandardCharsets.UTF_8)) {
            out.setLevel(Deflater.BEST_SPEED);
            for (int i = 0; i < scripts; i++) {
                String base = "f/folder_" + (i % 300) + "/script_" + i;
                out.putNextEntry(new ZipEntry(base + ".py"));
                out.write(("def main():\n    return " + random.nextInt() + "\n").getBytes(StandardCharsets.UTF_8));
                out.putNextEntry(new ZipEntry(base + ".script.json"));
                out.write(meta);
            }
            // Text that compresses about 2:1, like data files; stored fast (level 0) to keep the test cheap.
            out.setLevel(Deflater.NO_COMPRESSION);
            byte[] block = new byte[1 << 20];
            for (int f = 0; f < largeFiles; f++) {
                out.putNextEntry(new ZipEntry("f/data/large_" + f + ".py"));
                out.write("DATA = '''\n".getBytes(StandardCharsets.US_ASCII));
                for (int mb = 0; mb < largeMiB; mb++) {
                    long bits = 0;
                    for (int i = 0; i < block.length; i++) {
                        if ((i & 15) == 0) {
                            bits = random.nextLong();
                        }
                        block[i] = (byte) ('a' + (bits & 15));
                        bits >>>= 4;
                    }
                    out.write(block);
                }
                out.write("\n'''\ndef main():\n    return len(DATA)\n".getBytes(StandardCharsets.US_ASCII));
                out.putNextEntry(new ZipEntry("f/data/large_" + f + ".script.json"));
                out.write(meta);
            }
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return scripts * 2 + largeFiles * 2;
    }
}
