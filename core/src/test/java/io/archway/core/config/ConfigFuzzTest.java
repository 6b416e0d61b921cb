package io.archway.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes what the admin API and {@code bin/archway validate} do with a body: text to JSON (ConfigText)
 * then validation (ConfigParser). Whatever the bytes, the outcome is a config or a list of problems with
 * paths, never another exception. In a normal build this replays the committed corpus under
 * src/test/resources/io/archway/core/config/ConfigFuzzTestInputs; {@code JAZZER_FUZZ=1} fuzzes
 * (docs/reliability.md).
 */
class ConfigFuzzTest {

  /** No file a fuzzed config names exists here, so no input makes the parser read a file. */
  private static final Path BASE = Path.of("/nonexistent/archway-fuzz");

  @FuzzTest(maxDuration = "30s")
  void anyBodyIsAConfigOrProblemsWithPaths(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    JsonObject json;
    try {
      json = ConfigText.parse(text);
    } catch (InvalidConfigException e) {
      assertProblems(e.problems());
      return;
    }
    List<Problem> problems = ConfigParser.problems(json, BASE);
    assertProblems(problems);
    if (problems.isEmpty()) assertThat(ConfigParser.parse(json, BASE)).isNotNull();
  }

  private static void assertProblems(List<Problem> problems) {
    for (Problem p : problems) {
      assertThat(p.path()).isNotNull();
      assertThat(p.message()).isNotBlank();
    }
  }
}
