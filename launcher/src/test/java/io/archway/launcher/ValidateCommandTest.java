package io.archway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

  @TempDir Path dir;

  private String[] runValidate(Path file, int[] code) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      code[0] = Main.run(new String[] {"validate", file.toString()}, Map.of());
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8).lines().toArray(String[]::new);
  }

  @Test
  void theShippedConfigsAreValid() {
    int[] code = new int[1];
    for (String name : new String[] {"gateway.yaml", "demo.yaml"}) {
      assertThat(runValidate(NodeProcess.projectRoot().resolve("conf").resolve(name), code)).containsExactly("valid");
      assertThat(code[0]).isZero();
    }
  }

  @Test
  void anInvalidFilePrintsOneLinePerProblemAndExitsTwo() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, """
        listeners:
          - name: redis
            port: 0
            pool: nowhere
        pools:
          - name: empty
            targets: []
        """);
    int[] code = new int[1];
    assertThat(runValidate(file, code)).containsExactly(
        "pools[0].targets: a pool needs at least one target, such as {address: 127.0.0.1:6379}",
        "listeners[0].port: 0 is not a port (1-65535)",
        "listeners[0].pool: no pool named 'nowhere' (pools: [empty])");
    assertThat(code[0]).isEqualTo(2);
  }

  @Test
  void aMissingFileExitsTwo() {
    int[] code = new int[1];
    assertThat(runValidate(dir.resolve("none.yaml"), code))
        .containsExactly("config file " + dir.resolve("none.yaml") + " does not exist");
    assertThat(code[0]).isEqualTo(2);
  }

  @Test
  void aKeyWrittenTwiceIsAProblemNotTheLastOneWinning() throws Exception {
    Path file = dir.resolve("twice.yaml");
    Files.writeString(file, """
        listeners:
          - name: redis
            port: 6380
            pool: redis
            port: 6381
        pools:
          - name: redis
            targets: [{address: "127.0.0.1:6379"}]
        """);
    int[] code = new int[1];
    assertThat(runValidate(file, code)).containsExactly("listeners[0].port: is written twice (lines 3 and 5); keep one");
    assertThat(code[0]).isEqualTo(2);
  }

  @Test
  void aYamlSyntaxErrorIsOneLineThatSaysWhere() throws Exception {
    Path file = dir.resolve("broken.yaml");
    Files.writeString(file, "listeners:\n  - name: redis\n    port: 6380\n   pool: redis\n");
    int[] code = new int[1];
    String[] lines = runValidate(file, code);
    assertThat(lines).hasSize(1);
    assertThat(lines[0]).startsWith(file + " is not valid YAML: ").contains("(line 4, column 4)");
    assertThat(code[0]).isEqualTo(2);
  }
}
