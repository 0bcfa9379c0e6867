package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.answer.Problems;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Lets an admin request on only with {@code Authorization: Bearer <ADMIN_TOKEN>}; without a
 * configured token the admin API is refused (403). It is a security-policy handler so that
 * vertx-web runs it before the body handler: a refused request is answered at once and its
 * connection closed, so its body is never read and a stalled upload holds nothing.
 */
public final class AdminTokenCheck implements SecurityPolicyHandler {

  private final byte[] adminToken;

  public AdminTokenCheck(String adminToken) {
    this.adminToken =
        adminToken == null || adminToken.isEmpty()
            ? null
            : adminToken.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (adminToken == null) {
      refuse(
          ctx,
          403,
          "Forbidden",
          "The admin API is disabled: the agent was started without ADMIN_TOKEN.");
    } else if (!authorized(ctx.request().getHeader("Authorization"))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"ratelimiter-agent\"");
      refuse(
          ctx,
          401,
          "Unauthorized",
          ctx.request().method()
              + " "
              + ctx.request().path()
              + " needs 'Authorization: Bearer <ADMIN_TOKEN>'.");
    } else {
      ctx.next();
    }
  }

  private static void refuse(RoutingContext ctx, int status, String title, String detail) {
    ctx.response().putHeader("Connection", "close");
    Problems.send(ctx.response(), status, title, detail);
    // Vert.x would wait for the rest of the body before closing; it is not wanted, close now.
    ctx.request().connection().close();
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] offered = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(offered, adminToken);
  }
}
