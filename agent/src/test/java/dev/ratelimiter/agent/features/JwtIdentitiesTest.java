package dev.ratelimiter.agent.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.agent.TestSettings;
import dev.ratelimiter.testsupport.jwt.TestTokens;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("clientKey.source Jwt: verified identities, across agents on one Redis")
class JwtIdentitiesTest {

  static final String TOKEN = "test-admin-token";
  static RedisServerProcess redis;
  static TestTokens issuer;
  static TestTokens stranger;
  final List<RunningAgent> open = new ArrayList<>();
  final TestHttp http = new TestHttp();

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start(null);
    issuer = new TestTokens("issuer");
    stranger = new TestTokens("stranger");
  }

  @AfterAll
  static void stop() {
    redis.close();
  }

  @BeforeEach
  void fresh() throws Exception {
    redis.flushAll();
  }

  @AfterEach
  void closeAll() {
    open.forEach(RunningAgent::close);
    open.clear();
  }

  static String policy(String jwks, String extra) {
    return "policy: shop/api\nlimits: [{name: per-client, requests: 5, window: 1m}]\n"
        + "clientKey: {source: Jwt, jwt: {issuer: \""
        + TestTokens.ISSUER
        + "\", audiences: ["
        + TestTokens.AUDIENCE
        + "], jwks: "
        + jwks
        + "}"
        + extra
        + "}";
  }

  RunningAgent agent(String policy) {
    RunningAgent agent = RunningAgent.start(TestSettings.local(redis.url(), null, TOKEN), policy);
    open.add(agent);
    return agent;
  }

  Reply get(RunningAgent agent, String token) {
    return http.get(agent.http(), "/api", "Authorization", "Bearer " + token);
  }

  @Test
  @DisplayName(
      "tokens signed by the RSA, EC and Ed25519 keys of the JWKS are counted per sub, exactly, across three agents")
  void countedPerSubjectAcrossAgents() throws Exception {
    String policy = policy(issuer.jwks(), "");
    List<RunningAgent> agents = List.of(agent(policy), agent(policy), agent(policy));
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("alice", issuer.rs256(TestTokens.claims("alice").build()));
    tokens.put("bob", issuer.es256(TestTokens.claims("bob").build()));
    tokens.put("carol", issuer.edDsa(TestTokens.claims("carol").build()));
    for (var e : tokens.entrySet()) {
      int allowed = 0;
      String client = null;
      for (int i = 0; i < 9; i++) {
        Reply reply = get(agents.get(i % 3), e.getValue());
        assertThat(reply.status()).as(e.getKey() + " request " + i).isIn(200, 429);
        if (reply.status() == 200) {
          allowed++;
          client = reply.json().getString("client");
        } else {
          assertThat(reply.header("Retry-After")).isNotNull();
        }
      }
      assertThat(allowed).as(e.getKey() + ": exactly the quota, over three agents").isEqualTo(5);
      assertThat(client).startsWith("jwt:").doesNotContain(e.getKey()).hasSize(26);
    }
    assertThat(redis.command("DBSIZE")).as("one counter per subject").contains("3");
  }

  @Test
  @DisplayName(
      "a forged, unsigned, HMAC-confused, expired, early, foreign or truncated token is 401 naming the check, and touches no counter")
  void invalidTokensAreRefused() throws Exception {
    RunningAgent agent = agent(policy(TestTokens.jwks(issuer.rsa, issuer.ec), ""));
    long now = System.currentTimeMillis();
    String good = issuer.rs256(TestTokens.claims("alice").build());
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("unknown-key", stranger.rs256(TestTokens.claims("alice").build()));
    cases.put("signature", TestTokens.withPayload(good, TestTokens.claims("mallory").build()));
    cases.put("algorithm", TestTokens.unsigned(TestTokens.claims("alice").build()));
    cases.put("algorithm ", issuer.hmacWithPublicKey(TestTokens.claims("alice").build()));
    cases.put(
        "expired",
        issuer.rs256(TestTokens.claims("alice").expirationTime(new Date(now - 120_000)).build()));
    cases.put(
        "not-yet-valid",
        issuer.rs256(TestTokens.claims("alice").notBeforeTime(new Date(now + 120_000)).build()));
    cases.put(
        "issuer", issuer.rs256(TestTokens.claims("alice").issuer("https://evil.example").build()));
    cases.put("audience", issuer.rs256(TestTokens.claims("alice").audience("another-api").build()));
    cases.put("malformed", "not-a-token");
    cases.put("signature  ", good.substring(0, good.length() - 4));
    cases.put("claim", issuer.rs256(TestTokens.claims(null).build()));
    for (var c : cases.entrySet()) {
      Reply reply = get(agent, c.getValue());
      assertThat(reply.status()).as(c.getKey()).isEqualTo(401);
      assertThat(reply.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(reply.json().getString("check")).as(c.getKey()).isEqualTo(c.getKey().strip());
      assertThat(reply.header("WWW-Authenticate")).contains("invalid_token");
      assertThat(reply.body()).doesNotContain(c.getValue());
    }
    Reply basic = http.get(agent.http(), "/api", "Authorization", "Basic dXNlcjpwYXNz");
    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.json().getString("check")).isEqualTo("malformed");
    assertThat(redis.command("DBSIZE")).as("no counter touched").contains("0");
    assertThat(get(agent, good).status()).isEqualTo(200);
    assertThat(redis.command("DBSIZE")).contains("1");
  }

  @Test
  @DisplayName(
      "without a token: counted by address (missing RemoteAddress) or 401 (missing Reject); two Authorization headers are 400")
  void missingTokens() {
    RunningAgent byAddress = agent(policy(issuer.jwks(), ""));
    Reply reply = http.get(byAddress.http(), "/api");
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().getString("client")).isEqualTo("127.0.0.1");
    String token = "Bearer " + issuer.rs256(TestTokens.claims("alice").build());
    assertThat(
            http.get(byAddress.http(), "/api", "Authorization", token, "Authorization", token)
                .status())
        .isEqualTo(400);
    RunningAgent rejecting = agent(policy(issuer.jwks(), ", missing: Reject"));
    Reply refused = http.get(rejecting.http(), "/api");
    assertThat(refused.status()).isEqualTo(401);
    assertThat(refused.json().getString("header")).isEqualTo("Authorization");
  }

  @Test
  @DisplayName(
      "/check counts the token's subject like /api does, and answers an invalid token 401 for the gateway to pass on")
  void checkEndpoint() {
    RunningAgent agent = agent(policy(issuer.jwks(), ""));
    String token = "Bearer " + issuer.edDsa(TestTokens.claims("erin").build());
    int allowed = 0;
    for (int i = 0; i < 7; i++) {
      String path = i % 2 == 0 ? "/check/orders" : "/api";
      int status = http.get(agent.http(), path, "Authorization", token).status();
      assertThat(status).as(path).isIn(200, 429);
      allowed += status == 200 ? 1 : 0;
    }
    assertThat(allowed).as("one quota over /check and /api").isEqualTo(5);
    Reply invalid =
        http.get(
            agent.http(),
            "/check/orders",
            "Authorization",
            "Bearer " + stranger.es256(TestTokens.claims("erin").build()));
    assertThat(invalid.status()).isEqualTo(401);
    assertThat(invalid.json().getString("check")).isEqualTo("unknown-key");
  }

  @Test
  @DisplayName(
      "a pushed JWKS without a key takes effect at once: its tokens are refused though they were verified and cached before")
  void rotationDropsCachedTokens() {
    RunningAgent agent = agent(policy(TestTokens.jwks(issuer.rsa, issuer.ec), ""));
    String rsaToken = issuer.rs256(TestTokens.claims("alice").build());
    String ecToken = issuer.es256(TestTokens.claims("bob").build());
    assertThat(get(agent, rsaToken).status()).isEqualTo(200);
    assertThat(get(agent, ecToken).status()).isEqualTo(200);
    Reply pushed =
        http.put(
            agent.management(),
            "/admin/policy",
            "generation: 2\n" + policy(TestTokens.jwks(issuer.ec), ""),
            "Authorization",
            "Bearer " + TOKEN,
            "Content-Type",
            "application/yaml");
    assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
    Reply removed = get(agent, rsaToken);
    assertThat(removed.status()).isEqualTo(401);
    assertThat(removed.json().getString("check")).isEqualTo("unknown-key");
    assertThat(get(agent, ecToken).status()).isEqualTo(200);
  }
}
