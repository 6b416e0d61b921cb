package io.archway.core.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Keys written twice in one mapping of a config text, each a problem at its path. Both readers would
 * otherwise keep the last value and drop the first without a word, and nothing may be silently ignored.
 */
final class DuplicateKeys {

  private static final JsonFactory STRICT_JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private DuplicateKeys() {}

  /** In a YAML document as SnakeYAML composed it ({@code null} for an empty one). */
  static List<Problem> inYaml(Node root) {
    List<Problem> problems = new ArrayList<>();
    if (root != null) walk(root, "", Collections.newSetFromMap(new IdentityHashMap<>()), problems);
    return problems;
  }

  private static void walk(Node node, String path, Set<Node> visited, List<Problem> problems) {
    if (!visited.add(node)) return; // an alias of a node already checked
    if (node instanceof MappingNode mapping) {
      Map<String, Integer> lines = new HashMap<>();
      for (NodeTuple entry : mapping.getValue()) {
        String key = entry.getKeyNode() instanceof ScalarNode scalar ? scalar.getValue() : null;
        String at = key == null ? path : path.isEmpty() ? key : path + "." + key;
        // "<<" merges another mapping in; several of them are allowed.
        if (key != null && !key.equals("<<")) {
          int line = entry.getKeyNode().getStartMark().getLine() + 1;
          Integer first = lines.putIfAbsent(key, line);
          if (first != null) {
            problems.add(new Problem(at, "is written twice (lines " + first + " and " + line + "); keep one"));
          }
        }
        walk(entry.getValueNode(), at, visited, problems);
      }
    } else if (node instanceof SequenceNode sequence) {
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) walk(items.get(i), path + "[" + i + "]", visited, problems);
    }
  }

  /** In JSON text; syntax errors are left to the decoder, which names them. */
  static List<Problem> inJson(String text) {
    try (JsonParser parser = STRICT_JSON.createParser(text)) {
      try {
        while (parser.nextToken() != null) {
          // Reading is the check.
        }
      } catch (JsonParseException e) {
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Duplicate field")) {
          return List.of(new Problem(path(parser.getParsingContext()),
              "is written twice (the second time on line " + e.getLocation().getLineNr() + "); keep one"));
        }
      }
    } catch (IOException e) {
      // Not JSON at all: the decoder says why.
    }
    return List.of();
  }

  private static String path(JsonStreamContext context) {
    StringBuilder path = new StringBuilder();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject()) {
        path.insert(0, "." + c.getCurrentName());
      } else {
        path.insert(0, "[" + c.getCurrentIndex() + "]");
      }
    }
    return path.length() > 0 && path.charAt(0) == '.' ? path.substring(1) : path.toString();
  }
}
