package dev.kindling.engine.broadcast;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.CipherInputStream;
import javax.crypto.CipherOutputStream;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Broadcast files at rest when {@code spark.io.encryption.enabled} is true, as Spark keeps them
 * encrypted with its I/O encryption key: AES/CTR with a random key per engine (never written
 * anywhere) and a random IV per file.
 * <pre>
 *   encrypted file = 16-byte IV | AES/CTR(key, IV) of the pickle bytes
 * </pre>
 */
public final class BroadcastCipher {
  private static final int IV_BYTES = 16;
  private static final String TRANSFORMATION = "AES/CTR/NoPadding";

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public BroadcastCipher(int keyBits) {
    if (keyBits != 128 && keyBits != 192 && keyBits != 256) {
      throw new IllegalArgumentException("spark.io.encryption.keySizeBits must be 128, 192 or 256, got " + keyBits);
    }
    byte[] k = new byte[keyBits / 8];
    random.nextBytes(k);
    key = new SecretKeySpec(k, "AES");
  }

  /** Writes {@code plain} encrypted to {@code out} (replacing it). */
  void encrypt(Path plain, Path out) throws IOException {
    try (InputStream in = Files.newInputStream(plain)) {
      encrypt(in, out);
    }
  }

  /** Writes the rest of {@code in} encrypted to {@code out} (replacing it). */
  void encrypt(InputStream in, Path out) throws IOException {
    byte[] iv = new byte[IV_BYTES];
    random.nextBytes(iv);
    try (OutputStream raw = Files.newOutputStream(out)) {
      raw.write(iv);
      try (OutputStream enc = new CipherOutputStream(raw, cipher(Cipher.ENCRYPT_MODE, iv))) {
        in.transferTo(enc);
      }
    }
  }

  /** The plain bytes of a file {@link #encrypt} wrote. */
  InputStream openDecrypted(Path encrypted) throws IOException {
    InputStream raw = Files.newInputStream(encrypted);
    try {
      byte[] iv = raw.readNBytes(IV_BYTES);
      if (iv.length != IV_BYTES) {
        throw new IOException("encrypted broadcast file " + encrypted + " is shorter than its IV");
      }
      return new CipherInputStream(raw, cipher(Cipher.DECRYPT_MODE, iv));
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private Cipher cipher(int mode, byte[] iv) throws IOException {
    try {
      Cipher c = Cipher.getInstance(TRANSFORMATION);
      c.init(mode, key, new IvParameterSpec(iv));
      return c;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up " + TRANSFORMATION + ": " + e.getMessage(), e);
    }
  }
}
