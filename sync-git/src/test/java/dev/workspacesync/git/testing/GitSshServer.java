package dev.workspacesync.git.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.junit.ssh.SshTestGitServer;
import org.eclipse.jgit.lib.Repository;

/**
 * A real SSH git server on 127.0.0.1 (JGit's {@link SshTestGitServer}) serving one bare repository to
 * one user with public-key auth. Creates the user's key pair (OpenSSH format, unencrypted), a host key,
 * and a known_hosts file that trusts it. For tests here and in other modules (test-jar).
 */
public final class GitSshServer implements AutoCloseable {
    /** The SSH user. */
    public static final String USER = "git";

    private final SshTestGitServer server;
    private final Repository repository;
    private final int port;
    private final Path privateKey;
    private final Path knownHosts;
    private final Path otherKnownHosts;
    private final KeyPair user;

    /** Starts a server for a new empty bare repository created in {@code dir/remote.git}. */
    public GitSshServer(Path dir) throws Exception {
        Files.createDirectories(dir);
        try (Git git =
                Git.open(GitTesting.bareRepository(dir.resolve("remote.git")).toFile())) {
            repository = git.getRepository();
            repository.incrementOpen();
        }
        user = generate();
        KeyPair host = generate();
        privateKey = dir.resolve("id_ecdsa");
        Path publicKey = dir.resolve("id_ecdsa.pub");
        try (OutputStream out = Files.newOutputStream(privateKey)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(user, "test", null, out);
        }
        try (OutputStream out = Files.newOutputStream(publicKey)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePublicKey(user, "test", out);
        }
        server = new SshTestGitServer(USER, publicKey, repository, host);
        port = server.start();
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(
                knownHosts,
                "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(host.getPublic()) + "\n",
                StandardCharsets.US_ASCII);
        otherKnownHosts = dir.resolve("known_hosts_other");
        Files.writeString(
                otherKnownHosts,
                "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(generate().getPublic()) + "\n",
                StandardCharsets.US_ASCII);
    }

    private static KeyPair generate() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    /** Writes the user's key again, encrypted with a passphrase (OpenSSH format, bcrypt KDF, AES-256-CTR). */
    public Path writeEncryptedKey(Path file, String passphrase) throws IOException, GeneralSecurityException {
        OpenSSHKeyEncryptionContext encryption = new OpenSSHKeyEncryptionContext();
        encryption.setPassword(passphrase);
        encryption.setCipherName("AES");
        encryption.setCipherMode("CTR");
        encryption.setCipherType("256");
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(user, "test", encryption, out);
        }
        return file;
    }

    /** {@code ssh://git@127.0.0.1:<port>/remote.git}. */
    public String url() {
        return "ssh://" + USER + "@127.0.0.1:" + port + "/remote.git";
    }

    /** The served bare repository's directory. */
    public Path repositoryDirectory() {
        return repository.getDirectory().toPath();
    }

    /** The user's private key. */
    public Path privateKey() {
        return privateKey;
    }

    /** A known_hosts file trusting this server's host key. */
    public Path knownHosts() {
        return knownHosts;
    }

    /** A known_hosts file with another key for this host (the server's key is then unknown). */
    public Path wrongKnownHosts() {
        return otherKnownHosts;
    }

    @Override
    public void close() throws IOException {
        server.stop();
        repository.close();
    }
}
