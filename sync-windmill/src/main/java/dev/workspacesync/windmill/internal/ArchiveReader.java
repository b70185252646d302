package dev.workspacesync.windmill.internal;

import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Opens a workspace archive (zip, or tar, plain or gzip-compressed) refusing anything unsafe: every entry
 * name must be an exact {@link SyncPath} (no absolute path, no {@code ..}, no NUL, no zip-slip; spelled as the
 * server spells it, never normalised), a name may appear once,
 * and the {@link Limits} hold. The limits are counted on the bytes actually inflated, never on the sizes
 * the local headers or the central directory declare: a header that lies cannot let more through. Every
 * zip entry is inflated (and discarded) once before anything is handed out, so a pull that breaks a limit
 * fails before any file is transformed, let alone written to a destination. A truncated or malformed
 * archive fails; nothing is returned from a failed read.
 */
public final class ArchiveReader {
    /** Below this many inflated bytes (per entry, and over the archive) the compression ratio is not checked. */
    public static final long RATIO_FLOOR_BYTES = 16L << 20;

    /**
     * What an archive may expand to. Each limit names the setting that raises it in the message of the
     * failure.
     *
     * @param maxArchiveBytes the most uncompressed bytes, summed over entries ({@value #ARCHIVE_KEY})
     * @param maxEntryBytes the most uncompressed bytes of one entry ({@value #ENTRY_KEY})
     * @param maxEntries the most file entries ({@value #ENTRIES_KEY})
     * @param maxCompressionRatio the most uncompressed bytes per compressed byte, of an entry and of the
     *     whole archive, checked above {@link #RATIO_FLOOR_BYTES} ({@value #RATIO_KEY})
     */
    public record Limits(long maxArchiveBytes, long maxEntryBytes, int maxEntries, double maxCompressionRatio) {
        public static final String ARCHIVE_KEY = "windmill.max-archive-bytes";
        public static final String ENTRY_KEY = "windmill.max-entry-bytes";
        public static final String ENTRIES_KEY = "windmill.max-entries";
        public static final String RATIO_KEY = "windmill.max-compression-ratio";

        /** 4 GiB in all, 256 MiB per entry, 500,000 entries, 200:1. */
        public static final Limits DEFAULTS = new Limits(4L << 30, 256L << 20, 500_000, 200);

        public Limits {
            List<String> problems = new ArrayList<>();
            if (maxArchiveBytes < 1) {
                problems.add(ARCHIVE_KEY + " must be at least 1, not " + maxArchiveBytes);
            }
            if (maxEntryBytes < 1) {
                problems.add(ENTRY_KEY + " must be at least 1, not " + maxEntryBytes);
            }
            if (maxEntries < 1) {
                problems.add(ENTRIES_KEY + " must be at least 1, not " + maxEntries);
            }
            if (!(maxCompressionRatio >= 1) || Double.isInfinite(maxCompressionRatio)) {
                problems.add(RATIO_KEY + " must be a number of at least 1, not " + maxCompressionRatio);
            }
            if (!problems.isEmpty()) {
                throw new dev.workspacesync.core.SyncConfigException(problems);
            }
        }

        /** The largest download accepted: the unpacked limit plus a tar's 1 KiB of framing per entry. */
        public long maxDownloadBytes() {
            long framing = maxEntries * 1024L + (1 << 20);
            return maxArchiveBytes > Long.MAX_VALUE - framing ? Long.MAX_VALUE : maxArchiveBytes + framing;
        }
    }

    /** An archive that breaks one of the {@link Limits}; the message names the limit, the value and the setting. */
    public static final class LimitExceededException extends SourceException {
        private static final long serialVersionUID = 1L;
        private final String settingKey;

        LimitExceededException(String what, String reached, String limit, String settingKey, String at) {
            super("The Windmill workspace archive is refused: " + what + " reached " + reached
                    + (at == null ? "" : " at " + at) + ", over the limit of " + limit + ". Nothing was written."
                    + " If the workspace really is this large, raise " + settingKey + ".");
            this.settingKey = settingKey;
        }

        /** The setting that raises the limit. */
        public String settingKey() {
            return settingKey;
        }
    }

    private final Limits limits;

    public ArchiveReader(Limits limits) {
        this.limits = limits;
    }

    /** A checked archive whose entries can be read by name; close it when done. */
    public interface Opened extends PullTransformer.Input, AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Opens an archive after checking every entry name and every limit. A zip is read in place (its central
     * directory gives random access, no copy is made) after one pass that inflates every entry and counts;
     * a tar is unpacked into {@code unpackDir}, counting as it goes.
     */
    public Opened open(Path archive, boolean zip, Path unpackDir) {
        try {
            if (!zip) {
                Map<String, Long> sizes = untar(archive, unpackDir);
                List<String> names = List.copyOf(sizes.keySet());
                return new Opened() {
                    @Override
                    public List<String> names() {
                        return names;
                    }

                    @Override
                    public byte[] read(String name) throws IOException {
                        guardHeap(name, sizes.get(name));
                        return Files.readAllBytes(SyncPath.exact(name).under(unpackDir));
                    }

                    @Override
                    public void close() {}
                };
            }
            return new ZipArchive(archive);
        } catch (ZipException e) {
            throw new SourceException("The Windmill workspace archive is malformed or truncated: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new SourceException("The Windmill workspace archive is truncated", e);
        } catch (IOException e) {
            throw new SourceException("Cannot read the Windmill workspace archive: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses to load an entry the heap cannot hold with room to spare (the transformer holds an entry
     * about three times: bytes, text, bytes), so a large entry ends in a message, not an OutOfMemoryError.
     */
    static void guardHeap(String name, long size) {
        long max = Runtime.getRuntime().maxMemory();
        if (max != Long.MAX_VALUE && size > max / 4) {
            throw new SourceException("The Windmill workspace archive entry " + name + " has " + bytes(size)
                    + ", more than this JVM's heap (" + bytes(max) + ") can transform; give java more heap (-Xmx)"
                    + " or lower " + Limits.ENTRY_KEY + " to refuse such entries");
        }
    }

    private final class ZipArchive implements Opened {
        private final ZipFile zip;
        private final Map<String, ZipEntry> byName = new HashMap<>();
        private final Map<String, Long> sizes = new HashMap<>();
        private final List<String> names;

        ZipArchive(Path archive) throws IOException {
            zip = new ZipFile(archive.toFile(), StandardCharsets.UTF_8);
            try {
                Budget budget = new Budget(Files.size(archive));
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    if (entry.isDirectory()) {
                        continue;
                    }
                    SyncPath path = budget.admit(entry.getName());
                    long size;
                    try (InputStream in = zip.getInputStream(entry)) {
                        // The declared compressed size is only the ratio's denominator: a larger lie can only
                        // lower that ratio, and the archive's ratio against its real length still holds.
                        size = budget.drain(in, null, path.value(), () -> entry.getCompressedSize());
                    }
                    if (entry.getSize() != size) {
                        throw new SourceException("The Windmill workspace archive is malformed: entry " + path
                                + " declares " + entry.getSize() + " bytes but holds " + size);
                    }
                    byName.put(path.value(), entry);
                    sizes.put(path.value(), size);
                }
                names = budget.names;
            } catch (IOException | RuntimeException | Error e) {
                zip.close();
                throw e;
            }
        }

        @Override
        public List<String> names() {
            return names;
        }

        @Override
        public byte[] read(String name) throws IOException {
            ZipEntry entry = byName.get(name);
            long size = sizes.get(name);
            guardHeap(name, size);
            try (InputStream in = zip.getInputStream(entry)) {
                // Never more than the size counted in the checking pass.
                byte[] data = in.readNBytes((int) size + 1);
                if (data.length != size) {
                    throw new SourceException("The Windmill workspace archive entry " + name + " changed while read");
                }
                return data;
            } catch (ZipException | EOFException e) {
                throw new SourceException(
                        "The Windmill workspace archive is malformed or truncated at " + name + ": " + e.getMessage(),
                        e);
            }
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /** Counts entries and bytes against the limits. */
    private final class Budget {
        final Set<String> seen = new HashSet<>();
        final List<String> names = new ArrayList<>();
        final byte[] buffer = new byte[64 * 1024];
        /** The compressed bytes the ratio of the whole archive is measured against. */
        final java.util.function.LongSupplier compressedTotal;

        long total;

        Budget(long archiveLength) {
            this.compressedTotal = () -> archiveLength;
        }

        Budget(java.util.function.LongSupplier compressedSoFar) {
            this.compressedTotal = compressedSoFar;
        }

        SyncPath admit(String name) {
            SyncPath path;
            try {
                // Exact, not strict: the CLI writes an item's path as the server spells it (NFD stays NFD, a
                // control character stays), so normalising here would land the item under another name.
                // Exact still refuses "..", a leading "/", NUL and .git; under() refuses what escapes.
                path = SyncPath.exact(name.startsWith("./") ? name.substring(2) : name);
            } catch (SyncPath.InvalidPathException e) {
                throw new SourceException("The Windmill workspace archive holds an unsafe entry: " + e.getMessage(), e);
            }
            if (!seen.add(path.value())) {
                throw new SourceException("The Windmill workspace archive holds the entry " + path + " twice");
            }
            if (names.size() >= limits.maxEntries()) {
                throw new LimitExceededException(
                        "the number of entries",
                        String.format(Locale.ROOT, "%,d", names.size() + 1L),
                        String.format(Locale.ROOT, "%,d", limits.maxEntries()),
                        Limits.ENTRIES_KEY,
                        path.value());
            }
            names.add(path.value());
            return path;
        }

        /**
         * Reads {@code in} to its end, into {@code out} when not null, checking every limit after each chunk;
         * returns the bytes read. {@code compressed} tells how many compressed bytes the entry took so far.
         */
        long drain(InputStream in, OutputStream out, String name, java.util.function.LongSupplier compressed)
                throws IOException {
            long entry = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                entry += n;
                total += n;
                if (entry > limits.maxEntryBytes()) {
                    throw new LimitExceededException(
                            "the uncompressed size of one entry",
                            bytes(entry),
                            bytes(limits.maxEntryBytes()),
                            Limits.ENTRY_KEY,
                            name);
                }
                if (total > limits.maxArchiveBytes()) {
                    throw new LimitExceededException(
                            "the total uncompressed size",
                            bytes(total),
                            bytes(limits.maxArchiveBytes()),
                            Limits.ARCHIVE_KEY,
                            name);
                }
                if (entry > RATIO_FLOOR_BYTES) {
                    checkRatio("the compression ratio of one entry", entry, compressed.getAsLong(), name);
                }
                if (total > RATIO_FLOOR_BYTES) {
                    checkRatio("the compression ratio of the archive", total, compressedTotal.getAsLong(), name);
                }
                if (out != null) {
                    out.write(buffer, 0, n);
                }
            }
            return entry;
        }

        private void checkRatio(String what, long inflated, long compressed, String name) {
            double ratio = (double) inflated / Math.max(compressed, 1);
            if (ratio > limits.maxCompressionRatio()) {
                throw new LimitExceededException(
                        what,
                        String.format(Locale.ROOT, "%.2f:1 (%s from %s)", ratio, bytes(inflated), bytes(compressed)),
                        String.format(Locale.ROOT, "%.0f:1", limits.maxCompressionRatio()),
                        Limits.RATIO_KEY,
                        name);
            }
        }
    }

    /** Bytes, exact and readable: {@code 268,435,456 bytes (256.0 MiB)}. */
    static String bytes(long n) {
        String exact = String.format(Locale.ROOT, "%,d bytes", n);
        if (n < 1024) {
            return exact;
        }
        int unit = (63 - Long.numberOfLeadingZeros(n)) / 10;
        return exact
                + String.format(Locale.ROOT, " (%.1f %siB)", n / (double) (1L << (unit * 10)), " KMGTPE".charAt(unit));
    }

    /** Unpacks a tar (or a gzip-compressed tar) into {@code into}; returns entry name to size, in archive order. */
    private Map<String, Long> untar(Path archive, Path into) throws IOException {
        Map<String, Long> sizes = new java.util.LinkedHashMap<>();
        byte[] header = new byte[512];
        String longName = null;
        try (CountingStream file = new CountingStream(new BufferedInputStream(Files.newInputStream(archive)))) {
            InputStream in = gzipped(file) ? new BufferedInputStream(new GZIPInputStream(file, 64 * 1024)) : file;
            Budget budget = new Budget(file::count);
            while (true) {
                readFully(in, header);
                if (isZero(header)) {
                    return sizes;
                }
                if (!checksumOk(header)) {
                    throw new SourceException(
                            "The Windmill workspace archive is not a valid tar (bad header checksum)");
                }
                String name = string(header, 0, 100);
                String prefix = string(header, 345, 155);
                // Only POSIX ustar ("ustar\0") has a name prefix there; the GNU headers the server writes
                // ("ustar  ") keep access and change times at that offset.
                if (!prefix.isEmpty() && header[262] == 0 && "ustar".equals(string(header, 257, 5))) {
                    name = prefix + "/" + name;
                }
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                if (type == 'L') {
                    byte[] data = readData(in, size);
                    longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
                    continue;
                }
                if (type == 'x') {
                    String paxPath = paxPath(readData(in, size));
                    longName = paxPath != null ? paxPath : longName;
                    continue;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                if (type == '0' || type == '\0' || type == '7') {
                    SyncPath path = budget.admit(name);
                    Path target = path.under(into);
                    Files.createDirectories(target.getParent());
                    BoundedStream body = new BoundedStream(in, size);
                    long start = file.count();
                    try (OutputStream out = Files.newOutputStream(target)) {
                        budget.drain(body, out, path.value(), () -> file.count() - start);
                    }
                    if (body.remaining > 0) {
                        throw new EOFException();
                    }
                    sizes.put(path.value(), size);
                    skipPadding(in, size);
                } else if (type == '5' || type == 'g') {
                    // Nothing to keep, but still counted: a gzip-compressed tar could hide a bomb here.
                    BoundedStream body = new BoundedStream(in, size);
                    long start = file.count();
                    budget.drain(body, null, name, () -> file.count() - start);
                    if (body.remaining > 0) {
                        throw new EOFException();
                    }
                    skipPadding(in, size);
                } else {
                    throw new SourceException("The Windmill workspace archive holds " + name
                            + ", which is not a regular file (tar type '" + type + "')");
                }
            }
        }
    }

    private static boolean gzipped(InputStream in) throws IOException {
        in.mark(2);
        int a = in.read();
        int b = in.read();
        in.reset();
        return a == 0x1f && b == 0x8b;
    }

    private static String paxPath(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        for (String record : text.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 6);
            }
        }
        return null;
    }

    private static byte[] readData(InputStream in, long size) throws IOException {
        if (size > 1 << 20) {
            throw new SourceException("The Windmill workspace archive has an oversized tar extension header");
        }
        byte[] data = new byte[(int) size];
        readFully(in, data);
        skipPadding(in, size);
        return data;
    }

    private static long padding(long size) {
        return (512 - size % 512) % 512;
    }

    private static void skipPadding(InputStream in, long size) throws IOException {
        byte[] pad = new byte[(int) padding(size)];
        readFully(in, pad);
    }

    private static void readFully(InputStream in, byte[] buffer) throws IOException {
        int off = 0;
        while (off < buffer.length) {
            int n = in.read(buffer, off, buffer.length - off);
            if (n < 0) {
                throw new EOFException();
            }
            off += n;
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean checksumOk(byte[] header) {
        long stored = octal(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        return sum == stored;
    }

    private static String string(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) {
        String s = string(b, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new SourceException("The Windmill workspace archive is not a valid tar (bad number field)");
        }
    }

    /** Reads at most {@code remaining} bytes; fails on a short stream. */
    private static final class BoundedStream extends InputStream {
        private final InputStream in;
        private long remaining;

        BoundedStream(InputStream in, long remaining) {
            this.in = in;
            this.remaining = remaining;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException();
            }
            remaining -= n;
            return n;
        }
    }

    /** Counts the bytes read from the archive file (the compressed side of the ratios). */
    private static final class CountingStream extends FilterInputStream {
        private long count;
        private long mark;

        CountingStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }

        @Override
        public synchronized void mark(int limit) {
            super.mark(limit);
            mark = count;
        }

        @Override
        public synchronized void reset() throws IOException {
            super.reset();
            count = mark;
        }
    }
}
