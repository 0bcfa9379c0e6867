package dev.ratelimiter.contract;

import java.util.List;

/**
 * What the operator and the agent agree on, in the one module both use: the agent's ports, the
 * environment the operator writes into an agent pod, and the admin API the operator pushes policies
 * through. The operator writes these names and fields, the agent reads them; a test on each side
 * holds its code to them ({@code AgentContractTest}: every environment name here is a setting the
 * agent declares).
 */
public final class AgentContract {

  /** The public port: {@code /api} (or the proxy) and {@code /check}. */
  public static final int HTTP_PORT = 8080;

  /** Envoy's rate limit service (gRPC). */
  public static final int GRPC_PORT = 8081;

  /** Health, metrics and the admin API. */
  public static final int MANAGEMENT_PORT = 9090;

  /** The admin API's policy resource: {@code GET} shows, {@code PUT} replaces. */
  public static final String ADMIN_POLICY_PATH = "/admin/policy";

  /**
   * The admin API's clients: {@code GET /{client}} shows one's usage, {@code DELETE /{client}}
   * resets it (the operator's kubectl-only path asks for both).
   */
  public static final String ADMIN_CLIENTS_PATH = "/admin/clients";

  private AgentContract() {}

  /** The environment variables the operator sets on agent pods. */
  public static final class Env {
    public static final String BIND_ADDRESS = "BIND_ADDRESS";
    public static final String HTTP_PORT = "HTTP_PORT";
    public static final String MANAGEMENT_PORT = "MANAGEMENT_PORT";
    public static final String GRPC_PORT = "GRPC_PORT";
    public static final String POLICY_FILE = "POLICY_FILE";
    public static final String REDIS_URL = "REDIS_URL";
    public static final String REDIS_MODE = "REDIS_MODE";
    public static final String REDIS_MASTER_NAME = "REDIS_MASTER_NAME";
    public static final String REDIS_PASSWORD = "REDIS_PASSWORD";
    public static final String ADMIN_TOKEN = "ADMIN_TOKEN";
    public static final String BACKEND_URL = "BACKEND_URL";
    public static final String BACKEND_TIMEOUT_MS = "BACKEND_TIMEOUT_MS";

    /** Every name above. */
    public static final List<String> ALL =
        List.of(
            BIND_ADDRESS,
            HTTP_PORT,
            MANAGEMENT_PORT,
            GRPC_PORT,
            POLICY_FILE,
            REDIS_URL,
            REDIS_MODE,
            REDIS_MASTER_NAME,
            REDIS_PASSWORD,
            ADMIN_TOKEN,
            BACKEND_URL,
            BACKEND_TIMEOUT_MS);

    private Env() {}
  }

  /** The JSON fields of the agent's answer to {@code PUT /admin/policy}. */
  public static final class PushAnswer {
    /** {@code true} when the pushed document is now the policy in force. */
    public static final String APPLIED = "applied";

    /** The generation in force after the push (also on a 409 for an older one). */
    public static final String GENERATION = "generation";

    /** Whether the agent reached its store right after applying (absent: in-memory store). */
    public static final String STORE_REACHABLE = "storeReachable";

    /** Why the store could not be reached, when it could not. */
    public static final String STORE_ERROR = "storeError";

    /** A refusal's reason (problem+json {@code detail}). */
    public static final String DETAIL = "detail";

    private PushAnswer() {}
  }
}
