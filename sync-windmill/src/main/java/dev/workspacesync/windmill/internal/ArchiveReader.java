package dev.workspacesync.windmill.internal;

import dev.workspacesync.core.SourceException;
import dev.workspacesync.core.SyncPath;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Unpacks a workspace archive (zip, or ustar tar) into a staging directory, refusing anything unsafe:
 * every entry name must be a {@link SyncPath} (no absolute path, no {@code ..}, no zip-slip), a name may
 * appear once, and the entry count and total uncompressed size are capped (zip bombs). A truncated or
 * malformed archive fails; nothing is returned from a failed read.
 */
public final class ArchiveReader {
    private final int maxEntries;
    private final long maxTotalBytes;

    /**
     * @param maxEntries the most file entries accepted
     * @param maxTotalBytes the most uncompressed bytes accepted, summed over entries
     */
    public ArchiveReader(int maxEntries, long maxTotalBytes) {
        this.maxEntries = maxEntries;
        this.maxTotalBytes = maxTotalBytes;
    }

    /** A checked archive whose entries can be read by name; close it when done. */
    public interface Opened extends PullTransformer.Input, AutoCloseable {
        @Override
        void close() throws IOException;
    }

    /**
     * Opens an archive after checking every entry name, the entry count and the total size. A zip is read
     * in place (its central directory gives random access, no copy is made); a tar is unpacked into
     * {@code unpackDir} first.
     */
    public Opened open(Path archive, boolean zip, Path unpackDir) {
        if (!zip) {
            List<String> names = unpack(archive, false, unpackDir);
            return new Opened() {
                @Override
                public List<String> names() {
                    return names;
                }

                @Override
                public byte[] read(String name) throws IOException {
                    return Files.readAllBytes(SyncPath.of(name).under(unpackDir));
                }

                @Override
                public void close() {}
            };
        }
        try {
            return new ZipArchive(archive);
        } catch (ZipException e) {
            throw new SourceException("The Windmill workspace archive is malformed or truncated: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new SourceException("Cannot read the Windmill workspace archive: " + e.getMessage(), e);
        }
    }

    private final class ZipArchive implements Opened {
        private final ZipFile zip;
        private final java.util.Map<String, ZipEntry> byName = new java.util.HashMap<>();
        private final List<String> names;

        ZipArchive(Path archive) throws IOException {
            zip = new ZipFile(archive.toFile(), StandardCharsets.UTF_8);
            try {
                Budget budget = new Budget();
                Enumeration<? extends ZipEntry> entries = zip.entries();
                while (entries.hasMoreElements()) {
                    ZipEntry entry = entries.nextElement();
                    if (entry.isDirectory()) {
                        continue;
                    }
                    SyncPath path = budget.admit(entry.getName());
                    long size = entry.getSize();
                    if (size < 0 || (budget.total += size) > maxTotalBytes) {
                        throw new SourceException("The Windmill workspace archive expands to more than " + maxTotalBytes
                                + " bytes (at " + path + ")");
                    }
                    byName.put(path.value(), entry);
                }
                names = budget.names;
            } catch (RuntimeException e) {
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
            try (InputStream in = zip.getInputStream(entry)) {
                // The declared size was checked against the cap; never read past it (a lying header).
                byte[] data = in.readNBytes((int) Math.min(entry.getSize() + 1, Integer.MAX_VALUE - 8));
                if (data.length != entry.getSize()) {
                    throw new SourceException(
                            "The Windmill workspace archive entry " + name + " does not match its declared size");
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

    /** Unpacks {@code archive} into {@code into}; returns the entry names, in archive order. */
    public List<String> unpack(Path archive, boolean zip, Path into) {
        try {
            return zip ? unzip(archive, into) : untar(archive, into);
        } catch (ZipException e) {
            throw new SourceException("The Windmill workspace archive is malformed or truncated: " + e.getMessage(), e);
        } catch (EOFException e) {
            throw new SourceException("The Windmill workspace archive is truncated", e);
        } catch (IOException e) {
            throw new SourceException("Cannot read the Windmill workspace archive: " + e.getMessage(), e);
        }
    }

    private final class Budget {
        final Set<String> seen = new HashSet<>();
        final List<String> names = new ArrayList<>();
        long total;

        SyncPath admit(String name) {
            SyncPath path;
            try {
                path = SyncPath.of(name.startsWith("./") ? name.substring(2) : name);
            } catch (SyncPath.InvalidPathException e) {
                throw new SourceException("The Windmill workspace archive holds an unsafe entry: " + e.getMessage(), e);
            }
            if (!seen.add(path.value())) {
                throw new SourceException("The Windmill workspace archive holds the entry " + path + " twice");
            }
            if (names.size() >= maxEntries) {
                throw new SourceException("The Windmill workspace archive has more than " + maxEntries + " entries");
            }
            names.add(path.value());
            return path;
        }

        void copy(InputStream in, Path target, String name) throws IOException {
            Files.createDirectories(target.getParent());
            byte[] buffer = new byte[64 * 1024];
            try (OutputStream out = Files.newOutputStream(target)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    total += n;
                    if (total > maxTotalBytes) {
                        throw new SourceException("The Windmill workspace archive expands to more than " + maxTotalBytes
                                + " bytes (at " + name + ")");
                    }
                    out.write(buffer, 0, n);
                }
            }
        }
    }

    private List<String> unzip(Path archive, Path into) throws IOException {
        Budget budget = new Budget();
        try (ZipFile zip = new ZipFile(archive.toFile(), StandardCharsets.UTF_8)) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                SyncPath path = budget.admit(entry.getName());
                try (InputStream in = zip.getInputStream(entry)) {
                    budget.copy(in, path.under(into), path.value());
                }
            }
        }
        return budget.names;
    }

    private List<String> untar(Path archive, Path into) throws IOException {
        Budget budget = new Budget();
        byte[] header = new byte[512];
        String longName = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
            while (true) {
                readFully(in, header);
                if (isZero(header)) {
                    return budget.names;
                }
                if (!checksumOk(header)) {
                    throw new SourceException(
                            "The Windmill workspace archive is not a valid tar (bad header checksum)");
                }
                String name = string(header, 0, 100);
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty() && "ustar".equals(string(header, 257, 5))) {
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
                    InputStream body = new BoundedStream(in, size);
                    budget.copy(body, path.under(into), path.value());
                    if (body.read() != -1 || ((BoundedStream) body).remaining > 0) {
                        throw new EOFException();
                    }
                    skipPadding(in, size);
                } else if (type == '5') {
                    skipData(in, size);
                } else if (type == 'g') {
                    skipData(in, size);
                } else {
                    throw new SourceException("The Windmill workspace archive holds " + name
                            + ", which is not a regular file (tar type '" + type + "')");
                }
            }
        }
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

    private static void skipData(InputStream in, long size) throws IOException {
        long toSkip = size + padding(size);
        while (toSkip > 0) {
            long n = in.skip(toSkip);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                n = 1;
            }
            toSkip -= n;
        }
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
}
