package io.archway.launcher;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders a kustomization folder into typed objects, for tests on a machine without kustomize: the
 * features the manifests under k8s/ use (resources, namespace, configMapGenerator, images, replicas)
 * and nothing else. A key it does not know fails the render rather than being skipped. Generated
 * ConfigMaps keep their plain name (kustomize adds a content hash and rewrites the references).
 */
final class Kustomization {

  private static final Set<String> KNOWN_KEYS =
      Set.of("apiVersion", "kind", "namespace", "resources", "configMapGenerator", "images", "replicas");
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Kustomization() {}

  /** Every object the kustomization in {@code dir} produces. */
  static List<HasMetadata> render(Path dir) {
    Map<String, Object> k = yaml(dir.resolve("kustomization.yaml"));
    for (String key : k.keySet()) {
      if (!KNOWN_KEYS.contains(key)) {
        throw new IllegalStateException(dir + "/kustomization.yaml: this test's renderer does not know '" + key
            + "'; teach it to Kustomization.java (and compare with kubectl kustomize)");
      }
    }
    List<HasMetadata> objects = new ArrayList<>();
    for (String resource : strings(k.get("resources"))) {
      Path p = dir.resolve(resource).normalize();
      objects.addAll(Files.isDirectory(p) ? render(p) : parse(p));
    }
    for (Map<String, Object> gen : maps(k.get("configMapGenerator"))) {
      generate(dir, gen, objects);
    }
    for (Map<String, Object> image : maps(k.get("images"))) {
      setImage(objects, (String) image.get("name"), image.get("newName") + ":" + image.get("newTag"));
    }
    for (Map<String, Object> r : maps(k.get("replicas"))) {
      objects.stream().filter(o -> o instanceof Deployment && o.getMetadata().getName().equals(r.get("name")))
          .forEach(o -> ((Deployment) o).getSpec().setReplicas((Integer) r.get("count")));
    }
    if (k.get("namespace") instanceof String ns) {
      objects.stream().filter(o -> !(o instanceof Namespace)).forEach(o -> o.getMetadata().setNamespace(ns));
    }
    return objects;
  }

  /** The objects of one YAML file; documents are separated by {@code ---} lines. */
  static List<HasMetadata> parse(Path file) {
    List<HasMetadata> out = new ArrayList<>();
    for (String doc : read(file).split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) continue;
      out.add(SERIALIZATION.unmarshal(doc));
    }
    return out;
  }

  private static void generate(Path dir, Map<String, Object> gen, List<HasMetadata> objects) {
    String name = (String) gen.get("name");
    String behavior = (String) gen.getOrDefault("behavior", "create");
    for (String key : gen.keySet()) {
      if (!Set.of("name", "behavior", "files").contains(key)) {
        throw new IllegalStateException("configMapGenerator " + name + ": unknown key '" + key + "' for this renderer");
      }
    }
    Map<String, String> data = new LinkedHashMap<>();
    for (String f : strings(gen.get("files"))) data.put(Path.of(f).getFileName().toString(), read(dir.resolve(f)));
    ConfigMap existing = (ConfigMap) objects.stream()
        .filter(o -> o instanceof ConfigMap && o.getMetadata().getName().equals(name)).findFirst().orElse(null);
    switch (behavior) {
      case "create" -> {
        if (existing != null) throw new IllegalStateException("configMapGenerator " + name + " exists already");
        objects.add(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().withData(data).build());
      }
      case "replace" -> {
        if (existing == null) throw new IllegalStateException("configMapGenerator " + name + ": nothing to replace");
        existing.setData(data);
      }
      default -> throw new IllegalStateException("configMapGenerator behavior " + behavior + " is unknown here");
    }
  }

  private static void setImage(List<HasMetadata> objects, String name, String image) {
    for (HasMetadata o : objects) {
      if (o instanceof Deployment d) {
        for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
          if (c.getImage().split("[:@]")[0].equals(name)) c.setImage(image);
        }
      }
    }
  }

  private static Map<String, Object> yaml(Path file) {
    return new Yaml().load(read(file));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object o) {
    return o == null ? List.of() : (List<String>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object o) {
    return o == null ? List.of() : (List<Map<String, Object>>) o;
  }
}
