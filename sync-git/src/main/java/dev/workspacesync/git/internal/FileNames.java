package dev.workspacesync.git.internal;

import dev.workspacesync.core.SyncPath;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * File names as bytes. Java decodes a name that is not valid UTF-8 with replacement characters, so the
 * text no longer names the file: such a name must be reported, never carried under the decoded text.
 */
public final class FileNames {
    private FileNames() {}

    /**
     * Why {@code file}'s own name cannot be carried as text, or empty when its text names it exactly.
     * Cheap for ordinary names: only a name holding U+FFFD is examined byte by byte.
     */
    public static Optional<String> undecodable(Path file) {
        String name = file.getFileName().toString();
        if (name.indexOf('\uFFFD') < 0) {
            return Optional.empty();
        }
        byte[] raw = rawName(file);
        if (isUtf8(raw)) {
            if (new String(raw, StandardCharsets.UTF_8).equals(name)) {
                return Optional.empty(); // a real U+FFFD in a valid name
            }
            return Optional.of("this Java runtime's file name encoding (sun.jnu.encoding="
                    + System.getProperty("sun.jnu.encoding") + ") cannot read its name; run with a UTF-8 locale"
                    + " (e.g. LANG=C.UTF-8)");
        }
        return Optional.of("its name is not valid UTF-8, so it cannot be carried under its own name; rename it");
    }

    /** The name shown safely: control characters escaped, bytes that are not UTF-8 as {@code \xNN}. */
    public static String shown(Path file) {
        String name = file.getFileName().toString();
        return name.indexOf('\uFFFD') < 0 ? SyncPath.escape(name) : shown(rawName(file));
    }

    /** Bytes shown safely: valid UTF-8 as text (escaped as {@link SyncPath#escape}), other bytes as {@code \xNN}. */
    public static String shown(byte[] raw) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer chunk = CharBuffer.allocate(raw.length + 1);
        StringBuilder out = new StringBuilder();
        while (true) {
            CoderResult result = decoder.decode(in, chunk, true);
            chunk.flip();
            out.append(SyncPath.escape(chunk.toString()));
            chunk.clear();
            if (result.isError()) {
                for (int i = 0; i < result.length(); i++) {
                    out.append("\\x%02X".formatted(in.get() & 0xff));
                }
            } else if (!in.hasRemaining() || result.isUnderflow()) {
                break;
            }
        }
        return out.toString();
    }

    /** Whether the bytes are valid UTF-8. */
    public static boolean isUtf8(byte[] raw) {
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    /**
     * The name's bytes as the file system holds them. A path's URI percent-encodes exactly those bytes
     * (the platform's path keeps them even when its text cannot show them).
     */
    static byte[] rawName(Path file) {
        String uri = file.toAbsolutePath().toUri().getRawPath();
        if (uri.endsWith("/")) {
            uri = uri.substring(0, uri.length() - 1); // directories get a trailing slash
        }
        String encoded = uri.substring(uri.lastIndexOf('/') + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length()) {
                out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
