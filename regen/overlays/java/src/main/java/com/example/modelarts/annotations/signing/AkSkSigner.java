/*
 * AK/SK request signing (SDK-HMAC-SHA256), added to the generated client by `npm run regen`
 * (regen/overlays/java/); not generated. The canonical form is the TypeScript client's
 * (src/auth/canonical.ts), byte for byte.
 */
package com.example.modelarts.annotations.signing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Computes the headers that sign one request: X-Sdk-Date, Authorization, X-Security-Token. */
public final class AkSkSigner {
  public static final String ALGORITHM = "SDK-HMAC-SHA256";
  private static final DateTimeFormatter SDK_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private AkSkSigner() {}

  /**
   * The headers to set on a request. Every header in {@code headers} is signed (names are
   * case-insensitive), plus {@code host} (from the URI, without a default port, unless given),
   * {@code x-sdk-date} ({@code now}, unless given) and {@code x-security-token} when one is given.
   * {@code body} is the exact payload (empty for none).
   */
  public static Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body,
      String ak, String sk, String securityToken, Instant now) {
    if (ak == null || ak.isEmpty()) throw new IllegalArgumentException("cannot sign: ak is empty");
    if (sk == null || sk.isEmpty()) throw new IllegalArgumentException("cannot sign: sk is empty");
    TreeMap<String, String> collected = new TreeMap<>();
    for (Map.Entry<String, String> h : headers.entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      String value = trim(h.getValue());
      collected.merge(name, value, (a, b) -> a + ", " + b);
    }
    collected.remove("authorization");
    String sdkDate = collected.get("x-sdk-date");
    if (sdkDate == null) {
      sdkDate = SDK_DATE.format(now);
      collected.put("x-sdk-date", sdkDate);
    } else {
      try {
        if (!SDK_DATE.format(SDK_DATE.parse(sdkDate, Instant::from)).equals(sdkDate)) throw new DateTimeParseException("", sdkDate, 0);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("X-Sdk-Date must be YYYYMMDDTHHMMSSZ (UTC), got '" + sdkDate + "'");
      }
    }
    collected.putIfAbsent("host", hostOf(uri));
    if (securityToken != null && !securityToken.isEmpty()) collected.put("x-security-token", securityToken);

    StringBuilder canonical = new StringBuilder();
    canonical.append(method).append('\n');
    canonical.append(canonicalUri(uri.getRawPath() == null ? "" : uri.getRawPath())).append('\n');
    canonical.append(canonicalQuery(uri.getRawQuery() == null ? "" : uri.getRawQuery())).append('\n');
    for (Map.Entry<String, String> h : collected.entrySet()) canonical.append(h.getKey()).append(':').append(h.getValue()).append('\n');
    String signedHeaders = String.join(";", collected.keySet());
    canonical.append('\n').append(signedHeaders).append('\n').append(hex(sha256(body == null ? new byte[0] : body)));

    String stringToSign = ALGORITHM + "\n" + sdkDate + "\n" + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    String signature = hex(hmacSha256(sk, stringToSign));
    Map<String, String> added = new LinkedHashMap<>();
    added.put("X-Sdk-Date", sdkDate);
    if (securityToken != null && !securityToken.isEmpty()) added.put("X-Security-Token", securityToken);
    added.put("Authorization", ALGORITHM + " Access=" + ak + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature);
    return added;
  }

  /** The Host header java.net.http sends: the host, with the port only when it is not the scheme's default. */
  static String hostOf(URI uri) {
    int port = uri.getPort();
    boolean defaultPort = port == -1 || ("https".equalsIgnoreCase(uri.getScheme()) ? port == 443 : port == 80);
    return defaultPort ? uri.getHost() : uri.getHost() + ":" + port;
  }

  private static String trim(String value) {
    int start = 0;
    int end = value.length();
    while (start < end && " \t\r\n".indexOf(value.charAt(start)) >= 0) start++;
    while (end > start && " \t\r\n".indexOf(value.charAt(end - 1)) >= 0) end--;
    return value.substring(start, end);
  }

  private static boolean unreserved(int b) {
    return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_' || b == '.' || b == '~';
  }

  private static int hexValue(char c) {
    return Character.digit(c, 16);
  }

  /**
   * Decodes %XX escapes leniently (a "%" without two hex digits stays literal; bytes that are
   * not UTF-8 are kept) and encodes every byte outside the unreserved set as %XX.
   */
  static String reencode(String encoded) {
    byte[] raw = encoded.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream decoded = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '%' && i + 2 < raw.length) {
        int hi = hexValue((char) raw[i + 1]);
        int lo = hexValue((char) raw[i + 2]);
        if (raw[i + 1] >= 0 && raw[i + 2] >= 0 && hi >= 0 && lo >= 0) {
          decoded.write(hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      decoded.write(raw[i]);
    }
    StringBuilder out = new StringBuilder();
    for (byte b : decoded.toByteArray()) {
      int v = b & 0xff;
      if (unreserved(v)) out.append((char) v);
      else out.append('%').append(HEX[v >> 4]).append(HEX[v & 15]);
    }
    return out.toString();
  }

  static String canonicalUri(String rawPath) {
    String[] segments = rawPath.split("/", -1);
    List<String> out = new ArrayList<>(segments.length);
    for (String segment : segments) out.add(reencode(segment));
    String uri = String.join("/", out);
    return uri.endsWith("/") ? uri : uri + "/";
  }

  static String canonicalQuery(String rawQuery) {
    List<String[]> pairs = new ArrayList<>();
    for (String field : rawQuery.split("&", -1)) {
      if (field.isEmpty()) continue;
      int eq = field.indexOf('=');
      String key = eq == -1 ? field : field.substring(0, eq);
      String value = eq == -1 ? "" : field.substring(eq + 1);
      pairs.add(new String[] {reencode(key.replace('+', ' ')), reencode(value.replace('+', ' '))});
    }
    // Encoded strings are ASCII: String order is byte order.
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    List<String> joined = new ArrayList<>(pairs.size());
    for (String[] p : pairs) joined.add(p[0] + "=" + p[1]);
    return String.join("&", joined);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmacSha256(String key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) out.append(Character.forDigit((b >> 4) & 15, 16)).append(Character.forDigit(b & 15, 16));
    return out.toString();
  }
}
