package dev.ratelimiter.agent.grpc;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;

/**
 * A gRPC call's HTTP/2 request, guarded against Vert.x gRPC 5.0.7's reading of it: its message
 * deframer throws where it should answer (a message flagged compressed without a {@code
 * grpc-encoding}: "Handle me"), and the call then stays open for ever. Here such a call is answered
 * {@code INVALID_ARGUMENT} and ends.
 */
final class GuardedGrpcRequest extends HttpServerRequestWrapper {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(GuardedGrpcRequest.class);

  GuardedGrpcRequest(HttpServerRequestInternal request) {
    super(request);
  }

  @Override
  public HttpServerRequest handler(Handler<Buffer> handler) {
    if (handler == null) {
      return super.handler(null);
    }
    return super.handler(
        chunk -> {
          try {
            handler.handle(chunk);
          } catch (RuntimeException e) {
            refuse(e);
          }
        });
  }

  @Override
  public HttpServerRequest endHandler(Handler<Void> handler) {
    if (handler == null) {
      return super.endHandler(null);
    }
    return super.endHandler(
        v -> {
          try {
            handler.handle(v);
          } catch (RuntimeException e) {
            refuse(e);
          }
        });
  }

  private void refuse(RuntimeException e) {
    LOG.debug("A gRPC message could not be read: {}", e.toString());
    HttpServerResponse response = delegate.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (!response.headWritten()) {
      response.setStatusCode(200).putHeader("content-type", "application/grpc");
    }
    response
        .putTrailer("grpc-status", "3") // INVALID_ARGUMENT
        .putTrailer(
            "grpc-message",
            "the message cannot be read (compressed without grpc-encoding, or malformed)")
        .end();
  }
}
