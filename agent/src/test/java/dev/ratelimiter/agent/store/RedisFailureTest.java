package dev.ratelimiter.agent.store;

import dev.ratelimiter.agent.AgentSettings;
import dev.ratelimiter.agent.RunningAgent;
import dev.ratelimiter.agent.TestHttp;
import dev.ratelimiter.agent.TestHttp.Reply;
import dev.ratelimiter.testsupport.redis.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@DisplayName("When Redis goes away")
class RedisFailureTest {

    private RedisServerProcess redis;
    private RunningAgent agent;
    private final TestHttp http = new TestHttp();

    @BeforeEach
    void startRedis() {
        redis = RedisServerProcess.start(null);
    }

    @AfterEach
    void stopAll() {
        if (agent != null) {
            agent.close();
        }
        redis.close();
    }

    private void startAgent(String failurePolicy) {
        agent = RunningAgent.start(AgentSettings.local(redis.url(), null, null),
                "limits: [{name: few, requests: 3, window: 1m}]\nfailurePolicy: " + failurePolicy);
    }

    private void expectEnforcementWithRemaining(String remaining) {
        Reply reply = http.get(agent.http(), "/api");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("X-RateLimit-Remaining")).isEqualTo(remaining);
    }

    @Test
    @DisplayName("failurePolicy Open lets requests through, stays ready, and enforces again by itself when Redis returns")
    void openAllowsThenRecovers() {
        startAgent("Open");
        expectEnforcementWithRemaining("2");
        redis.stop();
        for (int i = 0; i < 10; i++) {
            Reply reply = http.get(agent.http(), "/api");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.header("RateLimit-Policy")).isEqualTo("\"few\";q=3;w=60");
            assertThat(reply.header("X-RateLimit-Remaining")).as("no usage is claimed while the store is away").isNull();
        }
        assertThat(http.get(agent.management(), "/health/ready").status()).isEqualTo(200);

        redis.start();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.get(agent.http(), "/api").header("X-RateLimit-Remaining") != null);
        // Redis restarted empty: the request above opened a fresh window.
        expectEnforcementWithRemaining("1");
        expectEnforcementWithRemaining("0");
        assertThat(http.get(agent.http(), "/api").status()).isEqualTo(429);
    }

    @Test
    @DisplayName("failurePolicy Closed answers 503 and reports not ready, and serves again when Redis returns")
    void closedRefusesThenRecovers() {
        startAgent("Closed");
        expectEnforcementWithRemaining("2");
        redis.stop();
        Reply refused = http.get(agent.http(), "/api");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(refused.header("Retry-After")).isEqualTo("1");
        assertThat(refused.json().getString("detail")).contains("failurePolicy is Closed");
        Reply ready = http.get(agent.management(), "/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.json().getBoolean("storeReachable")).isFalse();

        redis.start();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.get(agent.http(), "/api").status() == 200);
        assertThat(http.get(agent.management(), "/health/ready").status()).isEqualTo(200);
    }

    @Test
    @DisplayName("An agent started while Redis is down serves (failurePolicy Open) and starts counting once Redis is up")
    void startsWithoutRedis() {
        redis.stop();
        startAgent("Open");
        assertThat(http.get(agent.http(), "/api").status()).isEqualTo(200);
        Reply ready = http.get(agent.management(), "/health/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().getBoolean("storeReachable")).isFalse();

        redis.start();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.get(agent.management(), "/health/ready").json().getBoolean("storeReachable"));
        expectEnforcementWithRemaining("2");
    }

    @Test
    @DisplayName("A Redis that hangs is cut off by the timeout and the failure policy decides")
    void hungRedisTimesOut() throws Exception {
        startAgent("Closed");
        expectEnforcementWithRemaining("2");
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(redisPid())).start();
        assertThat(stop.waitFor()).isZero();
        try {
            Reply refused = http.get(agent.http(), "/api");
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().getString("detail")).contains("did not answer within 100 ms");
        } finally {
            new ProcessBuilder("kill", "-CONT", Long.toString(redisPid())).start().waitFor();
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> http.get(agent.http(), "/api").status() == 200);
    }

    private long redisPid() {
        return redis.pid();
    }
}
