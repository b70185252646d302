package dev.workspacesync.windmill.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the Windmill server encrypts secret variables ({@code windmill_common::variables::build_crypt}:
 * {@code new_magic_crypt!(key, 256)} over the workspace's {@code workspace_key}, then {@code encrypt_str_to_base64}):
 * magic_crypt's {@code MagicCrypt256} is AES-256-CBC with the SHA-256 of the key as the AES key, a zero IV (none
 * given), PKCS#7 padding, standard base64 with padding. A new workspace's key is 64 letters and digits
 * ({@code rd_string(64)}), which is also all {@code set_encryption_key} accepts.
 */
public final class ServerCrypt {
    /**
     * The key of a workspace seeded from an archive without {@code encryption_key.json}: the fixtures' secrets are
     * ciphertext of it.
     */
    public static final String SEED_KEY = "SeedKey0fTheFixtures00000000000000000000000000000000000000000000";

    private ServerCrypt() {}

    /** {@code encrypt(&mc, value)}. */
    public static String encrypt(String workspaceKey, String plain) {
        try {
            return Base64.getEncoder()
                    .encodeToString(
                            cipher(Cipher.ENCRYPT_MODE, workspaceKey).doFinal(plain.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code decrypt(&mc, value)}; throws {@link IllegalArgumentException} with the server's message when the value
     * is not ciphertext of this key.
     */
    public static String decrypt(String workspaceKey, String ciphertext) {
        try {
            byte[] raw = Base64.getDecoder().decode(ciphertext);
            byte[] plain = cipher(Cipher.DECRYPT_MODE, workspaceKey).doFinal(raw);
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(plain))
                    .toString();
        } catch (GeneralSecurityException | IllegalArgumentException | java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(
                    "Could not decrypt value. The value may have been encrypted with a different key.");
        }
    }

    /** Whether {@code value} decrypts with {@code workspaceKey}. */
    public static boolean decrypts(String workspaceKey, String value) {
        try {
            decrypt(workspaceKey, value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The key the emulator gives workspace {@code id} when it has none: 64 hex digits, stable per id. */
    public static String defaultKey(String id) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256")
                            .digest(("emulated-key-" + id).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Cipher cipher(int mode, String workspaceKey) throws GeneralSecurityException {
        byte[] aesKey = MessageDigest.getInstance("SHA-256").digest(workspaceKey.getBytes(StandardCharsets.UTF_8));
        Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
        cipher.init(mode, new SecretKeySpec(aesKey, "AES"), new IvParameterSpec(new byte[16]));
        return cipher;
    }
}
