package dev.workspacesync.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what is written to {@code System.err} and {@code System.out} (where slf4j-simple writes log
 * lines) while open, still passing it through, so tests can scan logs for secrets.
 */
public final class CapturedOutput implements AutoCloseable {
    private final PrintStream originalErr = System.err;
    private final PrintStream originalOut = System.out;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public CapturedOutput() {
        System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
    }

    /** Everything captured so far. */
    public synchronized String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.err.flush();
        System.out.flush();
        System.setErr(originalErr);
        System.setOut(originalOut);
    }

    private final class Tee extends java.io.OutputStream {
        private final PrintStream passThrough;

        Tee(PrintStream passThrough) {
            this.passThrough = passThrough;
        }

        @Override
        public void write(int b) {
            synchronized (CapturedOutput.this) {
                captured.write(b);
            }
            passThrough.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (CapturedOutput.this) {
                captured.write(b, off, len);
            }
            passThrough.write(b, off, len);
        }
    }
}
