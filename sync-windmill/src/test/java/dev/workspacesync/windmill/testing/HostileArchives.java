package dev.workspacesync.windmill.testing;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes hostile workspace archives to disk from a seed, streamed (no archive is ever held in memory, so
 * tests can run with a small heap): zip bombs of every shape, archives whose headers lie about sizes, and
 * the same for the tar fallback (plain and gzip-compressed). Serve them with {@link
 * WindmillEmulator#archiveFile(String, Path)}. Each {@link Case} says which settings it runs with (small
 * limits where the default would make the archive expensive to build) and which limit must stop it.
 */
public final class HostileArchives {
    private static final String MAX_ARCHIVE = "windmill.max-archive-bytes";
    private static final String MAX_ENTRY = "windmill.max-entry-bytes";
    private static final String MAX_ENTRIES = "windmill.max-entries";
    private static final String MAX_RATIO = "windmill.max-compression-ratio";
    private static final long MIB = 1L << 20;

    private HostileArchives() {}

    /** The shapes of hostile archive. */
    public enum Kind {
        /** More tiny entries than windmill.max-entries allows. */
        MANY_TINY(true, MAX_ENTRIES),
        /** One entry of text larger than windmill.max-entry-bytes. */
        ONE_HUGE(true, MAX_ENTRY),
        /** The shape of the reported bomb: a few entries of zeros, a thousand to one; default limits. */
        BOMB_DEFAULTS(true, MAX_RATIO),
        /** One entry of zeros just above the ratio floor; default limits. */
        HIGH_RATIO(true, MAX_RATIO),
        /** Entries each within the limits that together pass windmill.max-archive-bytes. */
        TOTAL(true, MAX_ARCHIVE),
        /** The central directory declares a small uncompressed size; the data inflates far beyond the limit. */
        LYING_CENTRAL_DIRECTORY(true, MAX_ENTRY),
        /** The local header and the data descriptor declare small sizes; the data inflates beyond the limit. */
        LYING_DATA_DESCRIPTOR(true, MAX_ENTRY),
        /** Every header lies: central directory, local header and data descriptor all declare a few bytes. */
        LYING_EVERYWHERE(true, MAX_ENTRY),
        /** Many central directory records pointing at one compressed kernel (overlapping entries). */
        OVERLAPPING(true, MAX_RATIO),
        /** A zip bomb inside the archive is just a file: the pull passes. */
        NESTED_ZIP(true, null),
        /** The tar fallback with more entries than allowed. */
        TAR_MANY_TINY(false, MAX_ENTRIES),
        /** A gzip-compressed tar whose one entry is larger than allowed. */
        TAR_GZ_ONE_HUGE(false, MAX_ENTRY),
        /** A gzip-compressed tar of zeros; default limits. */
        TAR_GZ_HIGH_RATIO(false, MAX_RATIO),
        /** A gzip-compressed tar whose entries pass windmill.max-archive-bytes together. */
        TAR_GZ_TOTAL(false, MAX_ARCHIVE),
        /** A gzip-compressed tar hiding zeros in the data of a directory entry; default limits. */
        TAR_GZ_DIRECTORY_DATA(false, MAX_RATIO),
        /** A tar header that declares fewer bytes than follow: the reader loses the framing and refuses. */
        TAR_LYING_SIZE(false, null);

        private final boolean zip;
        private final String limitKey;

        Kind(boolean zip, String limitKey) {
            this.zip = zip;
            this.limitKey = limitKey;
        }

        /** Whether the archive is a zip (else served by the tar fallback). */
        public boolean zip() {
            return zip;
        }
    }

    /**
     * One generated archive.
     *
     * @param kind its shape
     * @param seed the seed it was made from
     * @param file where it was written
     * @param settings the windmill.* settings to pull it with (limits lowered where needed)
     * @param limitKey the setting of the limit that must stop it, or null
     * @param passes whether the pull must succeed
     */
    public record Case(Kind kind, long seed, Path file, Map<String, String> settings, String limitKey, boolean passes) {
        @Override
        public String toString() {
            return kind + " seed=" + seed;
        }
    }

    /** Writes the archive of {@code kind} for {@code seed} under {@code dir}. */
    public static Case write(Kind kind, long seed, Path dir) {
        SplittableRandom random = new SplittableRandom(seed);
        Path file =
                dir.resolve(kind.name().toLowerCase() + "-" + Long.toHexString(seed) + (kind.zip ? ".zip" : ".tar"));
        Map<String, String> settings = new LinkedHashMap<>();
        try {
            switch (kind) {
                case MANY_TINY -> {
                    int limit = 100 + random.nextInt(400);
                    settings.put(MAX_ENTRIES, Integer.toString(limit));
                    zip(file, out -> {
                        for (int i = 0; i <= limit + random.nextInt(20); i++) {
                            entry(out, "f/many/item_" + i + ".txt", random.nextInt(20), Fill.TEXT, random);
                        }
                    });
                }
                case ONE_HUGE -> {
                    long limit = MIB + random.nextLong(MIB);
                    settings.put(MAX_ENTRY, Long.toString(limit));
                    zip(file, out -> {
                        script(out, "f/ok/hello");
                        entry(out, "f/huge/data.txt", limit + 1 + random.nextLong(3 * MIB), Fill.TEXT, random);
                    });
                }
                case BOMB_DEFAULTS ->
                    zip(file, out -> {
                        for (int i = 0; i < 2 + random.nextInt(3); i++) {
                            entry(
                                    out,
                                    "f/bomb/zeros_" + i + ".txt",
                                    (64 + random.nextInt(64)) * MIB,
                                    Fill.ZEROS,
                                    random);
                        }
                    });
                case HIGH_RATIO ->
                    zip(file, out -> {
                        script(out, "f/ok/hello");
                        entry(out, "f/ratio/zeros.txt", 17 * MIB + random.nextLong(16 * MIB), Fill.ZEROS, random);
                    });
                case TOTAL -> {
                    long limit = MIB + random.nextLong(MIB);
                    settings.put(MAX_ARCHIVE, Long.toString(limit));
                    zip(file, out -> {
                        for (int i = 0; i * 100_000L <= limit + 200_000; i++) {
                            entry(
                                    out,
                                    "f/total/part_" + i + ".txt",
                                    100_000 + random.nextInt(100_000),
                                    Fill.TEXT,
                                    random);
                        }
                    });
                }
                case LYING_CENTRAL_DIRECTORY, LYING_DATA_DESCRIPTOR, LYING_EVERYWHERE -> {
                    long limit = MIB + random.nextLong(MIB);
                    settings.put(MAX_ENTRY, Long.toString(limit));
                    zip(file, out -> {
                        script(out, "f/ok/hello");
                        entry(out, "f/lying/data.txt", limit + 1 + random.nextLong(3 * MIB), Fill.TEXT, random);
                    });
                    long declared = 1 + random.nextInt(1000);
                    boolean central = kind != Kind.LYING_DATA_DESCRIPTOR;
                    boolean local = kind != Kind.LYING_CENTRAL_DIRECTORY;
                    lie(file, "f/lying/data.txt", declared, central, local);
                }
                case OVERLAPPING -> overlapping(file, 200 + random.nextInt(300), (4 + random.nextInt(8)) * MIB);
                case NESTED_ZIP -> {
                    Path inner = dir.resolve("inner-" + Long.toHexString(seed) + ".zip");
                    zip(inner, out -> entry(out, "zeros.bin", (32 + random.nextInt(32)) * MIB, Fill.ZEROS, random));
                    zip(file, out -> {
                        script(out, "f/ok/hello");
                        out.putNextEntry(new ZipEntry("f/nested/inner.zip"));
                        Files.copy(inner, out);
                        out.closeEntry();
                    });
                    Files.delete(inner);
                }
                case TAR_MANY_TINY -> {
                    int limit = 100 + random.nextInt(400);
                    settings.put(MAX_ENTRIES, Integer.toString(limit));
                    tar(file, false, out -> {
                        for (int i = 0; i <= limit + random.nextInt(20); i++) {
                            tarEntry(out, "f/many/item_" + i + ".txt", random.nextInt(20), Fill.TEXT, random);
                        }
                    });
                }
                case TAR_GZ_ONE_HUGE -> {
                    long limit = MIB + random.nextLong(MIB);
                    settings.put(MAX_ENTRY, Long.toString(limit));
                    tar(
                            file,
                            true,
                            out -> tarEntry(
                                    out, "f/huge/data.txt", limit + 1 + random.nextLong(3 * MIB), Fill.TEXT, random));
                }
                case TAR_GZ_HIGH_RATIO ->
                    tar(
                            file,
                            true,
                            out -> tarEntry(
                                    out,
                                    "f/ratio/zeros.txt",
                                    17 * MIB + random.nextLong(32 * MIB),
                                    Fill.ZEROS,
                                    random));
                case TAR_GZ_TOTAL -> {
                    long limit = MIB + random.nextLong(MIB);
                    settings.put(MAX_ARCHIVE, Long.toString(limit));
                    tar(file, true, out -> {
                        for (int i = 0; i * 100_000L <= limit + 200_000; i++) {
                            tarEntry(
                                    out,
                                    "f/total/part_" + i + ".txt",
                                    100_000 + random.nextInt(100_000),
                                    Fill.TEXT,
                                    random);
                        }
                    });
                }
                case TAR_GZ_DIRECTORY_DATA ->
                    tar(file, true, out -> {
                        long size = 17 * MIB + random.nextLong(32 * MIB);
                        out.write(WorkspaceArchive.tarHeader("f/dir/", size, '5'));
                        fill(out, size, Fill.ZEROS, random);
                        out.write(new byte[(int) ((512 - size % 512) % 512)]);
                    });
                case TAR_LYING_SIZE ->
                    tar(file, false, out -> {
                        long real = MIB + random.nextLong(MIB);
                        out.write(WorkspaceArchive.tarHeader("f/lying/data.txt", 1 + random.nextInt(400), '0'));
                        fill(out, real, Fill.TEXT, random);
                        out.write(new byte[(int) ((512 - real % 512) % 512)]);
                    });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Case(kind, seed, file, Map.copyOf(settings), kind.limitKey, kind == Kind.NESTED_ZIP);
    }

    private enum Fill {
        ZEROS,
        TEXT
    }

    private interface Body<T> {
        void write(T out) throws IOException;
    }

    private static void zip(Path file, Body<ZipOutputStream> body) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(
                new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), StandardCharsets.UTF_8)) {
            out.setLevel(Deflater.BEST_SPEED);
            body.write(out);
        }
    }

    private static void tar(Path file, boolean gzip, Body<OutputStream> body) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        try (OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            body.write(out);
            out.write(new byte[1024]);
        }
    }

    private static void entry(ZipOutputStream out, String name, long size, Fill fill, SplittableRandom random)
            throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(0);
        out.putNextEntry(entry);
        fill(out, size, fill, random);
        out.closeEntry();
    }

    private static void tarEntry(OutputStream out, String name, long size, Fill fill, SplittableRandom random)
            throws IOException {
        out.write(WorkspaceArchive.tarHeader(name, size, '0'));
        fill(out, size, fill, random);
        out.write(new byte[(int) ((512 - size % 512) % 512)]);
    }

    /** A real script and its metadata, so a pull that gets through has something to show. */
    private static void script(ZipOutputStream out, String path) throws IOException {
        byte[] code = "def main():\n    return 1\n".getBytes(StandardCharsets.UTF_8);
        byte[] meta = ("{\n  \"summary\": \"ok\",\n  \"description\": \"\",\n  \"schema\": {\"type\": \"object\","
                        + " \"properties\": {}, \"required\": []},\n  \"kind\": \"script\",\n  \"language\": \"python3\"\n}")
                .getBytes(StandardCharsets.UTF_8);
        out.putNextEntry(new ZipEntry(path + ".py"));
        out.write(code);
        out.closeEntry();
        out.putNextEntry(new ZipEntry(path + ".script.json"));
        out.write(meta);
        out.closeEntry();
    }

    private static void fill(OutputStream out, long size, Fill fill, SplittableRandom random) throws IOException {
        byte[] buffer = new byte[1 << 16];
        for (long left = size; left > 0; ) {
            int n = (int) Math.min(buffer.length, left);
            if (fill == Fill.TEXT) {
                for (int i = 0; i < n; i++) {
                    int c = random.nextInt(28);
                    buffer[i] = (byte) (c < 26 ? 'a' + c : c == 26 ? ' ' : '\n');
                }
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /**
     * Rewrites the declared uncompressed size of {@code name}: in the central directory, and/or in the local
     * header and the data descriptor that follows the data (java.util.zip writes one for deflated entries).
     */
    private static void lie(Path file, String name, long declared, boolean central, boolean local) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer all = ByteBuffer.allocate((int) ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(all, 0);
            int eocd = all.limit() - 22;
            while (all.getInt(eocd) != 0x06054b50) {
                eocd--;
            }
            int count = Short.toUnsignedInt(all.getShort(eocd + 10));
            int pos = all.getInt(eocd + 16);
            for (int i = 0; i < count; i++) {
                int nameLength = Short.toUnsignedInt(all.getShort(pos + 28));
                int extra = Short.toUnsignedInt(all.getShort(pos + 30));
                int comment = Short.toUnsignedInt(all.getShort(pos + 32));
                String entryName = new String(all.array(), pos + 46, nameLength, StandardCharsets.UTF_8);
                if (entryName.equals(name)) {
                    long csize = Integer.toUnsignedLong(all.getInt(pos + 20));
                    int loc = all.getInt(pos + 42);
                    if (central) {
                        putInt(ch, pos + 24, declared);
                    }
                    if (local) {
                        putInt(ch, loc + 22, declared);
                        int data = loc
                                + 30
                                + Short.toUnsignedInt(all.getShort(loc + 26))
                                + Short.toUnsignedInt(all.getShort(loc + 28));
                        int descriptor = (int) (data + csize);
                        int sizeAt = all.getInt(descriptor) == 0x08074b50 ? descriptor + 12 : descriptor + 8;
                        putInt(ch, sizeAt, declared);
                    }
                    return;
                }
                pos += 46 + nameLength + extra + comment;
            }
            throw new IllegalStateException(name + " not in " + file);
        }
    }

    private static void putInt(FileChannel ch, long at, long value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) value);
        ch.write(b.flip(), at);
    }

    /**
     * One deflated kernel of zeros and {@code copies} central directory records that all point at it (the
     * overlapping-entry bomb): each entry is small, the whole archive is not.
     */
    private static void overlapping(Path file, int copies, long kernelSize) throws IOException {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        CRC32 crc = new CRC32();
        byte[] zeros = new byte[1 << 16];
        java.io.ByteArrayOutputStream compressed = new java.io.ByteArrayOutputStream();
        byte[] out = new byte[1 << 16];
        for (long left = kernelSize; left > 0; ) {
            int n = (int) Math.min(zeros.length, left);
            crc.update(zeros, 0, n);
            deflater.setInput(zeros, 0, n);
            while (!deflater.needsInput()) {
                compressed.write(out, 0, deflater.deflate(out));
            }
            left -= n;
        }
        deflater.finish();
        while (!deflater.finished()) {
            compressed.write(out, 0, deflater.deflate(out));
        }
        deflater.end();
        byte[] data = compressed.toByteArray();
        String kernelName = "f/overlap/k00000.txt";
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(file))) {
            ByteBuffer loc = ByteBuffer.allocate(30).order(ByteOrder.LITTLE_ENDIAN);
            loc.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800).putShort((short) 8);
            loc.putInt(0).putInt((int) crc.getValue()).putInt(data.length).putInt((int) kernelSize);
            loc.putShort((short) kernelName.length()).putShort((short) 0);
            o.write(loc.array());
            o.write(kernelName.getBytes(StandardCharsets.UTF_8));
            o.write(data);
            long cenStart = 30L + kernelName.length() + data.length;
            long cenSize = 0;
            for (int i = 0; i < copies; i++) {
                byte[] name = String.format("f/overlap/k%05d.txt", i).getBytes(StandardCharsets.UTF_8);
                ByteBuffer cen = ByteBuffer.allocate(46).order(ByteOrder.LITTLE_ENDIAN);
                cen.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0x0800);
                cen.putShort((short) 8).putInt(0).putInt((int) crc.getValue()).putInt(data.length);
                cen.putInt((int) kernelSize)
                        .putShort((short) name.length)
                        .putShort((short) 0)
                        .putShort((short) 0);
                cen.putShort((short) 0).putShort((short) 0).putInt(0).putInt(0);
                o.write(cen.array());
                o.write(name);
                cenSize += 46 + name.length;
            }
            ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
            end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) copies);
            end.putShort((short) copies)
                    .putInt((int) cenSize)
                    .putInt((int) cenStart)
                    .putShort((short) 0);
            o.write(end.array());
        }
    }
}
