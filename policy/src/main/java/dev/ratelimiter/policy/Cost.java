package dev.ratelimiter.policy;

/**
 * What a request costs against a token budget: a limit with a cost counts tokens, not requests.
 * Before the request is forwarded the agent reserves an estimate (the ceiling the request states,
 * else {@link #reserve}); after the response it settles to what the backend reports, giving back or
 * charging the difference.
 *
 * @param usage which of the reported token counts the budget is spent in
 * @param reserve tokens reserved for a request that states no ceiling, 1 .. the limit's requests
 * @param header a response header that carries the usage (a whole number) instead of the body;
 *     null: read the body's {@code usage}
 */
public record Cost(Usage usage, long reserve, String header) {

  /** The reported token counts a budget can be spent in. */
  public enum Usage {
    /** input and output together */
    TotalTokens,
    /** the prompt */
    InputTokens,
    /** what the model wrote */
    OutputTokens;

    /** Whether the request's own size counts: its input is part of what it spends. */
    public boolean countsInput() {
      return this != OutputTokens;
    }

    /** Whether the request's stated ceiling on what the model writes counts. */
    public boolean countsOutput() {
      return this != InputTokens;
    }
  }

  public static final long MIN_RESERVE = 1;
}
