package dev.ratelimiter.agent.features;

import org.junit.jupiter.api.DisplayName;

@DisplayName("Request features with the in-memory store")
class InMemoryRequestFeaturesTest extends RequestFeaturesContract {

  @Override
  protected String redisUrl() {
    return null;
  }
}
