/*
 * Added to the generated client by `npm run regen` (regen/overlays/java/); not generated.
 */
package com.example.modelarts.annotations.signing;

import com.example.modelarts.annotations.ApiClient;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Makes a generated {@link ApiClient} sign every request with AK/SK:
 *
 * <pre>{@code
 * ApiClient apiClient = new ApiClient();
 * apiClient.updateBaseUri("https://modelarts.cn-north-4.myhuaweicloud.com");
 * AkSkSigning.configure(apiClient, System.getenv("HUAWEICLOUD_SDK_AK"), System.getenv("HUAWEICLOUD_SDK_SK"), null);
 * SyncObsResponse started = new DataAnnotationsApi(apiClient).syncObs(projectId, "282");
 * }</pre>
 */
public final class AkSkSigning {
  private AkSkSigning() {}

  /** Installs a client builder whose clients sign; redirects are not followed, so credentials go only to the endpoint. */
  public static ApiClient configure(ApiClient apiClient, String ak, String sk, String securityToken) {
    return apiClient.setHttpClientBuilder(builder(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER), ak, sk, securityToken, null));
  }

  /** A builder like {@code base} whose {@code build()} gives a {@link SigningHttpClient}. */
  public static HttpClient.Builder builder(HttpClient.Builder base, String ak, String sk, String securityToken, Clock clock) {
    if (ak == null || ak.isEmpty() || sk == null || sk.isEmpty()) throw new IllegalArgumentException("AK/SK signing needs a non-empty ak and sk");
    return new HttpClient.Builder() {
      @Override public HttpClient.Builder cookieHandler(CookieHandler h) { base.cookieHandler(h); return this; }
      @Override public HttpClient.Builder connectTimeout(Duration d) { base.connectTimeout(d); return this; }
      @Override public HttpClient.Builder sslContext(SSLContext c) { base.sslContext(c); return this; }
      @Override public HttpClient.Builder sslParameters(SSLParameters p) { base.sslParameters(p); return this; }
      @Override public HttpClient.Builder executor(Executor e) { base.executor(e); return this; }
      @Override public HttpClient.Builder followRedirects(HttpClient.Redirect r) { base.followRedirects(r); return this; }
      @Override public HttpClient.Builder version(HttpClient.Version v) { base.version(v); return this; }
      @Override public HttpClient.Builder priority(int p) { base.priority(p); return this; }
      @Override public HttpClient.Builder proxy(ProxySelector p) { base.proxy(p); return this; }
      @Override public HttpClient.Builder authenticator(Authenticator a) { base.authenticator(a); return this; }
      @Override public HttpClient build() { return new SigningHttpClient(base.build(), ak, sk, securityToken, clock); }
    };
  }
}
