package dev.workspacesync.databricks.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.workspacesync.core.SnapshotEntry;
import dev.workspacesync.core.SyncPath;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Detection matches the Databricks CLI's {@code libs/notebook} rules case by case. */
class NotebooksTest {
    static Stream<Arguments> cases() {
        String nb = "{\"cells\":[],\"metadata\":{},\"nbformat\":4}";
        return Stream.of(
                Arguments.of("a.py", "# Databricks notebook source\nx=1", "a", "PYTHON"),
                Arguments.of("a.py", "# Databricks notebook source", "a", "PYTHON"),
                Arguments.of("a.py", "# Databricks notebook source\r\nx=1", "a", "PYTHON"),
                Arguments.of("d/A.PY", "# Databricks notebook source\n", "d/A", "PYTHON"),
                Arguments.of("a.py", " # Databricks notebook source\n", null, null),
                Arguments.of("a.py", "# Databricks notebook source \n", null, null),
                Arguments.of("a.py", "# Databricks notebook sourcery\n", null, null),
                Arguments.of("a.py", "\uFEFF# Databricks notebook source\n", null, null),
                Arguments.of("a.py", "", null, null),
                Arguments.of("a.r", "# Databricks notebook source\n", "a", "R"),
                Arguments.of("a.R", "# Databricks notebook source\n", "a", "R"),
                Arguments.of("a.scala", "// Databricks notebook source\n", "a", "SCALA"),
                Arguments.of("a.scala", "# Databricks notebook source\n", null, null),
                Arguments.of("a.sql", "-- Databricks notebook source\n", "a", "SQL"),
                Arguments.of("a.txt", "# Databricks notebook source\n", null, null),
                Arguments.of("a", "# Databricks notebook source\n", null, null),
                Arguments.of(".py", "# Databricks notebook source\n", null, null),
                Arguments.of("n.ipynb", nb, "n", null),
                Arguments.of(
                        "n.ipynb",
                        "{\"cells\":[1],\"metadata\":{\"application/vnd.databricks.v1+notebook\":{\"language\":"
                                + "\"sql\"}},\"nbformat\":4}",
                        "n",
                        "SQL"),
                Arguments.of("n.ipynb", "{\"cells\":[],\"metadata\":{},\"nbformat\":3}", null, null),
                Arguments.of("n.ipynb", "{\"metadata\":{},\"nbformat\":4}", null, null),
                Arguments.of("n.ipynb", "{\"cells\":[],\"nbformat\":4}", null, null),
                Arguments.of("n.ipynb", "", null, null),
                Arguments.of("n.ipynb", "not json", null, null),
                Arguments.of("n.designer.ipynb", nb, null, null));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void detectsLikeTheCli(String path, String content, String remote, String language) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        SnapshotEntry entry =
                new SnapshotEntry(SyncPath.of(path), bytes.length, false, null, () -> new ByteArrayInputStream(bytes));
        Notebooks.Kind kind = Notebooks.detect(entry);
        assertThat(kind.notebook()).isEqualTo(remote != null);
        assertThat(kind.remotePath()).isEqualTo(remote != null ? remote : path);
        assertThat(kind.language()).isEqualTo(language);
    }

    @ParameterizedTest(name = "header beyond 32 bytes: {0}")
    @MethodSource("longHeaders")
    void onlyTheFirst32BytesCount(String content, boolean notebook) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        SnapshotEntry entry = new SnapshotEntry(
                SyncPath.of("x.py"), bytes.length, false, null, () -> new ByteArrayInputStream(bytes));
        assertThat(Notebooks.detect(entry).notebook()).isEqualTo(notebook);
    }

    static Stream<Arguments> longHeaders() {
        return Stream.of(
                // 32 bytes of a longer first line equal to the header + "xxxx": not the header.
                Arguments.of("# Databricks notebook sourcexxxx\n", false),
                Arguments.of("# Databricks notebook source\n" + "y".repeat(1000), true));
    }
}
