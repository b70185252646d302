package dev.workspacesync.windmill.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The content of a Windmill workspace archive as the server's {@code tarball_workspace} writes it: entry
 * name to bytes, with metadata as serde_json's {@code to_string_pretty} prints it (two-space indent, one array
 * element a line, {@code []} and {@code {}} when empty, no final newline). Build it from maps (as the server would
 * serialise them; {@link ServerShapes} gives whole workspaces) and serve it through {@link WindmillEmulator}, as
 * a zip or as the GNU tar the server writes (long names in {@code ././@LongLink} entries).
 */
public final class WorkspaceArchive {
    private static final ObjectWriter JSON = new ObjectMapper()
            .writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                            .withObjectEmptySeparator("")
                            .withArrayEmptySeparator("")
                            .withRootSeparator(""))
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    private final Map<String, byte[]> entries = new LinkedHashMap<>();

    /** Adds a raw entry (any name, even an unsafe one: tests of bad archives need them). */
    public WorkspaceArchive raw(String name, byte[] content) {
        entries.put(name, content.clone());
        return this;
    }

    /** Adds a text entry. */
    public WorkspaceArchive text(String name, String content) {
        return raw(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds a JSON entry (any JSON value: the key is a string), pretty-printed like the server's serde_json. */
    public WorkspaceArchive json(String name, Object value) {
        try {
            return raw(name, JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A script: its code at {@code path.ext} and its metadata at {@code path.script.json}. */
    public WorkspaceArchive script(String path, String ext, String code, Map<String, ?> metadata) {
        text(path + "." + ext, code);
        return json(path + ".script.json", metadata);
    }

    /** The entries, in order. */
    public Map<String, byte[]> entries() {
        return entries;
    }

    /** The archive as a zip (no directory entries, as the server writes it). */
    public byte[] toZip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setTime(0);
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The archive as the server's tar: GNU headers (mode 0777, mtime 0), a name over 100 bytes in a preceding
     * {@code ././@LongLink} entry of type {@code L}.
     */
    public byte[] toTar() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            if (name.length > 100) {
                byte[] longName = java.util.Arrays.copyOf(name, name.length + 1);
                out.writeBytes(gnuHeader("././@LongLink".getBytes(StandardCharsets.US_ASCII), longName.length, 'L'));
                out.writeBytes(longName);
                out.writeBytes(new byte[(512 - longName.length % 512) % 512]);
                name = java.util.Arrays.copyOf(name, 100);
            }
            out.writeBytes(gnuHeader(name, e.getValue().length, '0'));
            out.writeBytes(e.getValue());
            out.writeBytes(new byte[(512 - e.getValue().length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static byte[] gnuHeader(byte[] name, long size, char type) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, octal(0777, 8));
        put(header, 108, octal(0, 8));
        put(header, 116, octal(0, 8));
        put(header, 124, octal(size, 12));
        put(header, 136, octal(0, 12));
        header[156] = (byte) type;
        put(header, 257, "ustar  \0".getBytes(StandardCharsets.US_ASCII));
        return checksum(header);
    }

    /** One ustar header block ({@code type} '0' for a file, '5' for a directory) declaring {@code size}. */
    public static byte[] tarHeader(String entryName, long size, char type) {
        byte[] header = new byte[512];
        byte[] name = entryName.getBytes(StandardCharsets.UTF_8);
        String prefix = "";
        String rest = entryName;
        if (name.length > 100) {
            int slash = entryName.lastIndexOf('/', 154);
            prefix = entryName.substring(0, slash);
            rest = entryName.substring(slash + 1);
        }
        put(header, 0, rest.getBytes(StandardCharsets.UTF_8));
        put(header, 100, octal(0777, 8));
        put(header, 108, octal(0, 8));
        put(header, 116, octal(0, 8));
        put(header, 124, octal(size, 12));
        put(header, 136, octal(0, 12));
        header[156] = (byte) type;
        put(header, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII));
        put(header, 263, "00".getBytes(StandardCharsets.US_ASCII));
        put(header, 345, prefix.getBytes(StandardCharsets.UTF_8));
        return checksum(header);
    }

    private static byte[] checksum(byte[] header) {
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII));
        return header;
    }

    private static byte[] octal(long value, int width) {
        return (String.format("%0" + (width - 1) + "o", value) + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    private static void put(byte[] header, int offset, byte[] value) {
        System.arraycopy(value, 0, header, offset, value.length);
    }
}
