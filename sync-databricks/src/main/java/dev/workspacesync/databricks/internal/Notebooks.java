package dev.workspacesync.databricks.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SourceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Notebook detection exactly as the Databricks CLI does it ({@code libs/notebook/detect.go}): a
 * {@code .py}, {@code .r}, {@code .scala} or {@code .sql} file (extension compared in lower case) is a
 * notebook when the first line of its first 32 bytes is exactly the language's header; a {@code .ipynb}
 * file is one when it parses as JSON with {@code cells}, {@code metadata} and {@code nbformat >= 4}. A
 * notebook lands without its extension, except {@code *.designer.ipynb}, which keeps its name.
 *
 * <p>Where the CLI silently leaves an invalid or empty {@code .ipynb} out of the sync, this library sends
 * it as a regular file under its own name, so no file of the source is lost.
 */
public final class Notebooks {
    private static final int HEADER_LENGTH = 32;
    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonParser.Feature.AUTO_CLOSE_SOURCE, true);
    private static final Map<String, String[]> HEADERS = Map.of(
            ".py", new String[] {"# Databricks notebook source", "PYTHON"},
            ".r", new String[] {"# Databricks notebook source", "R"},
            ".scala", new String[] {"// Databricks notebook source", "SCALA"},
            ".sql", new String[] {"-- Databricks notebook source", "SQL"});

    private Notebooks() {}

    /**
     * What a local file becomes in the workspace.
     *
     * @param notebook whether it is a notebook
     * @param language the notebook language ({@code PYTHON}, {@code R}, {@code SCALA}, {@code SQL}), or
     *     null for a file or a Jupyter notebook without Databricks metadata
     * @param remotePath its path relative to the target folder
     */
    public record Kind(boolean notebook, String language, String remotePath) {
        /** A regular file kept under its own name. */
        public static Kind file(String path) {
            return new Kind(false, null, path);
        }
    }

    /** Whether the name's extension is one that may be a notebook (the content decides). */
    public static boolean mayBeNotebook(String path) {
        String ext = extension(path);
        return HEADERS.containsKey(ext) || ext.equals(".ipynb");
    }

    /** Detects what an entry becomes, reading at most its first 32 bytes (a whole {@code .ipynb}). */
    public static Kind detect(SnapshotEntry entry) {
        String path = entry.path().value();
        String ext = extension(path);
        String[] header = HEADERS.get(ext);
        String remote = stripExtension(path);
        if (remote.isEmpty() || remote.endsWith("/")) {
            return Kind.file(path); // ".py" alone: a notebook would have no name
        }
        try {
            if (header != null) {
                byte[] head;
                try (InputStream in = entry.open()) {
                    head = in.readNBytes(HEADER_LENGTH);
                }
                return firstLine(head).equals(header[0]) ? new Kind(true, header[1], remote) : Kind.file(path);
            }
            if (ext.equals(".ipynb")) {
                if (path.toLowerCase(Locale.ROOT).endsWith(".designer.ipynb")) {
                    return Kind.file(path);
                }
                try (InputStream in = entry.open()) {
                    String language = jupyterLanguage(in);
                    return language == null ? Kind.file(path) : new Kind(true, emptyToNull(language), remote);
                }
            }
        } catch (IOException e) {
            throw new SourceException("Cannot read " + path + ": " + e.getMessage(), e);
        }
        return Kind.file(path);
    }

    /** The header line test on raw bytes (first line of the first 32 bytes, a trailing CR dropped). */
    static String firstLine(byte[] head) {
        String text = new String(head, 0, Math.min(head.length, HEADER_LENGTH), StandardCharsets.UTF_8);
        int eol = text.indexOf('\n');
        String line = eol < 0 ? text : text.substring(0, eol);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** The language of a valid Jupyter notebook ("" when it has none), or null when it is not one. */
    static String jupyterLanguage(InputStream in) {
        JsonNode nb;
        try {
            nb = JSON.readTree(in);
        } catch (IOException e) {
            return null;
        }
        if (nb == null || !nb.isObject()) {
            return null;
        }
        JsonNode cells = nb.get("cells");
        JsonNode metadata = nb.get("metadata");
        if (cells == null || cells.isNull() || metadata == null || !metadata.isObject()) {
            return null;
        }
        if (!nb.path("nbformat").canConvertToInt() || nb.path("nbformat").asInt() < 4) {
            return null;
        }
        String language = metadata.path("application/vnd.databricks.v1+notebook")
                .path("language")
                .asText("");
        return switch (language) {
            case "python", "r", "scala", "sql" -> language.toUpperCase(Locale.ROOT);
            default -> "";
        };
    }

    /** The lower-case extension of the last segment, with its dot, or "". */
    static String extension(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot).toLowerCase(Locale.ROOT);
    }

    /** The path without its extension. */
    public static String withoutExtension(String path) {
        return stripExtension(path);
    }

    /** The path without its extension. */
    static String stripExtension(String path) {
        String ext = extension(path);
        return path.substring(0, path.length() - ext.length());
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
