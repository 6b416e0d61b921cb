package io.archway.core.config;

import io.vertx.core.json.JsonArray;
import java.util.List;
import java.util.stream.Collectors;

/** A config that cannot be applied, with every problem found in it. */
public final class InvalidConfigException extends RuntimeException {

  private final List<Problem> problems;

  public InvalidConfigException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }

  public JsonArray problemsJson() {
    JsonArray array = new JsonArray();
    problems.forEach(p -> array.add(p.toJson()));
    return array;
  }
}
