/*
 * Added to the generated client by `npm run regen` (regen/overlays/java/); not generated.
 */
package com.example.modelarts.annotations.signing;

import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} that signs every request with AK/SK before the wrapped client sends it.
 *
 * <p>A request interceptor of the generated client sees only an {@code HttpRequest.Builder},
 * not the body, so the signature is made here: the body publisher is read into bytes, the
 * request is rebuilt with those bytes and the signature headers, and the copy is sent. Signed:
 * method, raw path and query, {@code Content-Type} and {@code X-Project-Id} when present,
 * {@code Host}, {@code X-Sdk-Date} and {@code X-Security-Token}, and the SHA-256 of the body.
 */
public final class SigningHttpClient extends HttpClient {
  /** Request headers that are signed besides host, x-sdk-date and x-security-token. */
  public static final List<String> SIGNED_REQUEST_HEADERS = List.of("content-type", "x-project-id");

  private final HttpClient delegate;
  private final String ak;
  private final String sk;
  private final String securityToken;
  private final Clock clock;

  public SigningHttpClient(HttpClient delegate, String ak, String sk, String securityToken, Clock clock) {
    this.delegate = delegate;
    this.ak = ak;
    this.sk = sk;
    this.securityToken = securityToken;
    this.clock = clock == null ? Clock.systemUTC() : clock;
  }

  @Override
  public String toString() {
    return "SigningHttpClient[ak=" + ak + ", sk=[REDACTED]]";
  }

  /** The request as it will be sent: its body as bytes, plus the signature headers. */
  public HttpRequest sign(HttpRequest request) throws IOException {
    byte[] body = bodyBytes(request);
    Map<String, String> toSign = new TreeMap<>();
    HttpHeaders headers = request.headers();
    for (String name : SIGNED_REQUEST_HEADERS) {
      List<String> values = headers.allValues(name);
      if (!values.isEmpty()) toSign.put(name, String.join(", ", values));
    }
    Map<String, String> added = AkSkSigner.sign(request.method(), request.uri(), toSign, body, ak, sk, securityToken, clock.instant());
    HttpRequest.Builder copy = HttpRequest.newBuilder(request.uri())
        .method(request.method(), body.length == 0 && request.bodyPublisher().isEmpty()
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
        .expectContinue(request.expectContinue());
    request.timeout().ifPresent(copy::timeout);
    request.version().ifPresent(copy::version);
    for (Map.Entry<String, List<String>> h : headers.map().entrySet()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("authorization") || name.equals("x-sdk-date") || name.equals("x-security-token")) continue;
      for (String value : h.getValue()) copy.header(h.getKey(), value);
    }
    added.forEach(copy::header);
    return copy.build();
  }

  private static byte[] bodyBytes(HttpRequest request) throws IOException {
    Optional<HttpRequest.BodyPublisher> publisher = request.bodyPublisher();
    if (publisher.isEmpty() || publisher.get().contentLength() == 0) return new byte[0];
    CompletableFuture<byte[]> done = new CompletableFuture<>();
    publisher.get().subscribe(new Flow.Subscriber<ByteBuffer>() {
      private final List<ByteBuffer> chunks = new ArrayList<>();

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer item) {
        chunks.add(item);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }

      @Override
      public void onComplete() {
        int size = chunks.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer all = ByteBuffer.allocate(size);
        chunks.forEach(all::put);
        done.complete(all.array());
      }
    });
    try {
      return done.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the request body to sign it", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("cannot read the request body to sign it", e);
    }
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException, InterruptedException {
    return delegate.send(sign(request), handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return delegate.sendAsync(sign(request), handler);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    try {
      return delegate.sendAsync(sign(request), handler, pushPromiseHandler);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override public Optional<CookieHandler> cookieHandler() { return delegate.cookieHandler(); }
  @Override public Optional<Duration> connectTimeout() { return delegate.connectTimeout(); }
  @Override public Redirect followRedirects() { return delegate.followRedirects(); }
  @Override public Optional<ProxySelector> proxy() { return delegate.proxy(); }
  @Override public SSLContext sslContext() { return delegate.sslContext(); }
  @Override public SSLParameters sslParameters() { return delegate.sslParameters(); }
  @Override public Optional<Authenticator> authenticator() { return delegate.authenticator(); }
  @Override public Version version() { return delegate.version(); }
  @Override public Optional<Executor> executor() { return delegate.executor(); }
}
