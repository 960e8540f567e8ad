package dev.adjoint.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.autograd.PrimitiveTable.Annotated;
import dev.adjoint.backend.BinaryOp;
import dev.adjoint.backend.ReduceOp;
import dev.adjoint.backend.UnaryOp;
import dev.adjoint.tensor.Tensor;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * One op, one place: {@link Tensor} is a facade whose every primitive is one call of the forward
 * of the same name in its op family ({@code dev.adjoint.tensor.Arithmetic}, {@code Views}, ...),
 * that family is the primitive's rules class, so its {@code @Adjoint}s sit beside the forward,
 * and each kernel entry ({@link BinaryOp}, {@link UnaryOp}, {@link ReduceOp} constant) is named by
 * that family alone. Read from the class files (the annotations have CLASS retention) and, for
 * the facade's bodies, from Tensor's source.
 */
class OpFamilyTest {
  private static final String PACKAGE = "dev.adjoint.tensor.";

  /** The op families; package-private ones are loaded by name. */
  private static final List<String> FAMILIES = List.of("Creation", "Transfers", "Views",
      "Indexing", "Arithmetic", "Elementwise", "Reductions", "LinearAlgebra");

  /** Kernel entries no primitive of Tensor is named after, and the op that uses each. */
  private static final Map<String, String> KERNEL_ENTRIES_OUTSIDE_TENSOR = Map.of(
      "UnaryOp.ERF", "nn.Functional#gelu");

  private static Class<?> family(String simpleName) {
    try {
      return Class.forName(PACKAGE + simpleName);
    } catch (ClassNotFoundException e) {
      throw new AssertionError("no op family " + simpleName, e);
    }
  }

  private static List<Annotated> tensorPrimitives() {
    // javac copies a method's annotations onto its bridge (clone() returning Object): skip those.
    List<Annotated> out = PrimitiveTable.annotations(Tensor.class).stream()
        .filter(a -> a.type().endsWith("Primitive;") && !tensorMethod(a).isBridge())
        .collect(Collectors.toList());
    assertTrue(out.size() > 100, "read only " + out.size() + " primitives from Tensor.class");
    return out;
  }

  private static Method tensorMethod(Annotated a) {
    for (Method m : Tensor.class.getDeclaredMethods()) {
      if (PrimitiveTable.key(m).equals(a.method() + a.descriptor())) {
        return m;
      }
    }
    throw new AssertionError("no method " + a.method() + a.descriptor());
  }

  /** The family classes that declare {@code primitive}'s forward: static, self first. */
  private static List<String> forwardsOf(Method primitive) {
    List<Class<?>> params = new ArrayList<>();
    if (!Modifier.isStatic(primitive.getModifiers())) {
      params.add(Tensor.class);
    }
    params.addAll(List.of(primitive.getParameterTypes()));
    List<String> out = new ArrayList<>();
    for (String f : FAMILIES) {
      try {
        Method fwd = family(f).getDeclaredMethod(primitive.getName(),
            params.toArray(Class<?>[]::new));
        if (Modifier.isStatic(fwd.getModifiers())
            && fwd.getReturnType() == primitive.getReturnType()) {
          out.add(PACKAGE + f);
        }
      } catch (NoSuchMethodException e) {
        // not in this family
      }
    }
    return out;
  }

  private static String describe(Method m) {
    return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName)
        .collect(Collectors.joining(", ", "(", ")"));
  }

  @Test
  void everyPrimitiveHasOneForwardInItsRulesFamily() {
    List<String> bad = new ArrayList<>();
    for (Annotated a : tensorPrimitives()) {
      Method m = tensorMethod(a);
      List<String> forwards = forwardsOf(m);
      String rules = a.className("rules");
      if (forwards.size() != 1) {
        bad.add(describe(m) + ": forwards in " + forwards);
      } else if (rules != null && !rules.equals(forwards.get(0))) {
        bad.add(describe(m) + ": rules in " + rules + ", forward in " + forwards.get(0));
      }
    }
    assertEquals(List.of(), bad);
  }

  /** A {@code @Primitive} method of the facade: its annotation's line up to the closing brace. */
  private static final Pattern FACADE_METHOD = Pattern.compile(
      "\\n  @Primitive[^\\n]*\\n(?:  @\\w+\\n)*  public (?:static )?[\\w<>\\[\\]]+"
          + " (\\w+)\\(([^)]*)\\) \\{\\n(.*?)\\n  }(?=\\n)", Pattern.DOTALL);

  private static final Pattern DELEGATION =
      Pattern.compile("\\s*(?:return )?(\\w+)\\.(\\w+)\\(((?:this)?)[^;]*\\);");

  @Test
  void everyPrimitiveOfTheFacadeIsOneCallOfItsForward() throws IOException {
    Path source = Path.of("src/main/java/dev/adjoint/tensor/Tensor.java");
    assertTrue(Files.isRegularFile(source), "no Tensor source at " + source.toAbsolutePath());
    String text = Files.readString(source);
    Map<String, Set<String>> familyByName = new TreeMap<>();
    for (Annotated a : tensorPrimitives()) {
      forwardsOf(tensorMethod(a)).forEach(f -> familyByName.computeIfAbsent(a.method(),
          k -> new TreeSet<>()).add(f.substring(PACKAGE.length())));
    }
    int primitives = text.split("\\n  @Primitive", -1).length - 1;
    List<String> bad = new ArrayList<>();
    Matcher m = FACADE_METHOD.matcher(text);
    int seen = 0;
    while (m.find()) {
      seen++;
      String name = m.group(1);
      Matcher d = DELEGATION.matcher(m.group(3));
      boolean instance = !m.group(0).contains("public static ");
      if (!d.matches()) {
        bad.add(name + ": body is not one call: " + m.group(3).strip());
      } else if (!d.group(2).equals(name)
          || !familyByName.getOrDefault(name, Set.of()).contains(d.group(1))
          || instance != d.group(3).equals("this")) {
        bad.add(name + ": calls " + d.group(1) + "." + d.group(2) + " with "
            + (d.group(3).isEmpty() ? "no receiver" : "this") + ", its forward is in "
            + familyByName.get(name));
      }
    }
    assertEquals(List.of(), bad);
    assertEquals(primitives, seen, "@Primitive methods of Tensor.java the pattern did not read");
    assertEquals(tensorPrimitives().size(), primitives);
  }

  @Test
  void everyAdjointSitsInTheFamilyOfItsPrimitive() {
    Map<String, Set<String>> rulesByName = new TreeMap<>();
    for (Annotated a : tensorPrimitives()) {
      if (a.className("rules") != null) {
        rulesByName.computeIfAbsent(a.method(), k -> new TreeSet<>()).add(a.className("rules"));
      }
    }
    List<String> bad = new ArrayList<>();
    int adjoints = 0;
    for (String f : FAMILIES) {
      Class<?> c = family(f);
      Set<String> rules = new TreeSet<>();
      for (Annotated a : PrimitiveTable.annotations(c)) {
        if (a.type().endsWith("Primitive;")) {
          bad.add(f + "." + a.method() + ": a @Primitive belongs on Tensor's facade");
          continue;
        }
        adjoints++;
        rules.add(a.method());
        String of = (String) a.values().get("of");
        if (!rulesByName.getOrDefault(of, Set.of()).contains(c.getName())) {
          bad.add(f + "." + a.method() + ": adjoint of " + of + ", whose rules are in "
              + rulesByName.get(of));
        }
      }
      // The family's public surface is its adjoints: the forwards hide behind the facade.
      Set<String> published = new TreeSet<>();
      for (Method m : c.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers())) {
          published.add(m.getName());
        }
      }
      if (!published.equals(rules)) {
        bad.add(f + ": public methods " + published + " but adjoints " + rules);
      }
    }
    assertEquals(List.of(), bad);
    assertTrue(adjoints > 100, "read only " + adjoints + " adjoints");
  }

  @Test
  void everyKernelEntryIsNamedByTheFamilyOfItsOp() throws IOException {
    Map<String, Set<String>> referrers = new TreeMap<>();
    List<String> classes = new ArrayList<>(FAMILIES);
    classes.add("Tensor");
    classes.add("OpSupport");
    for (String c : classes) {
      for (String ref : enumReferences(family(c))) {
        referrers.computeIfAbsent(ref, k -> new TreeSet<>()).add(c);
      }
    }
    Map<String, String> familyOfPrimitive = new TreeMap<>();
    for (Annotated a : tensorPrimitives()) {
      List<String> fwd = forwardsOf(tensorMethod(a));
      if (fwd.size() == 1) {
        familyOfPrimitive.put(a.method(), fwd.get(0).substring(PACKAGE.length()));
      }
    }
    List<String> bad = new ArrayList<>();
    List<Enum<?>> entries = new ArrayList<>();
    entries.addAll(List.of(BinaryOp.values()));
    entries.addAll(List.of(UnaryOp.values()));
    entries.addAll(List.of(ReduceOp.values()));
    for (Enum<?> e : entries) {
      String key = e.getDeclaringClass().getSimpleName() + "." + e.name();
      Set<String> by = referrers.getOrDefault(key, Set.of());
      if (KERNEL_ENTRIES_OUTSIDE_TENSOR.containsKey(key)) {
        if (!by.isEmpty()) {
          bad.add(key + ": listed as used outside Tensor, but named by " + by);
        }
        continue;
      }
      String op = camel(e.name());
      String family = familyOfPrimitive.get(op);
      if (family == null) {
        bad.add(key + ": no primitive " + op + " of Tensor");
      } else if (!by.equals(Set.of(family))) {
        bad.add(key + ": the kernel entry of " + op + " (in " + family + ") is named by " + by);
      }
    }
    assertEquals(List.of(), bad);
  }

  /** LOGICAL_AND to logicalAnd. */
  private static String camel(String constant) {
    String[] words = constant.toLowerCase(Locale.ROOT).split("_");
    StringBuilder out = new StringBuilder(words[0]);
    for (int i = 1; i < words.length; i++) {
      out.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
    }
    return out.toString();
  }

  private static final Set<String> KERNEL_ENUMS = new HashSet<>(List.of(
      "dev/adjoint/backend/BinaryOp", "dev/adjoint/backend/UnaryOp",
      "dev/adjoint/backend/ReduceOp"));

  /**
   * The kernel-entry constants {@code c}'s own class file reads ({@code getstatic
   * BinaryOp.MUL}), as {@code BinaryOp.MUL}: the field references of its constant pool. A
   * {@code switch} over an op reads the constants in a synthetic nested class instead, which
   * is not the op's entry.
   */
  static Set<String> enumReferences(Class<?> c) {
    String resource = "/" + c.getName().replace('.', '/') + ".class";
    try (InputStream raw = c.getResourceAsStream(resource)) {
      DataInputStream in = new DataInputStream(raw);
      in.readInt();
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      Object[] pool = new Object[count];
      int[][] refs = new int[count][];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> pool[i] = in.readUTF();
          case 7, 8, 16, 19, 20 -> refs[i] = new int[] {tag, in.readUnsignedShort()};
          case 9, 10, 11, 12 -> refs[i] = new int[] {tag, in.readUnsignedShort(),
              in.readUnsignedShort()};
          case 3, 4 -> in.readInt();
          case 17, 18 -> in.readInt();
          case 5, 6 -> {
            in.readLong();
            i++;
          }
          case 15 -> {
            in.readUnsignedByte();
            in.readUnsignedShort();
          }
          default -> throw new IOException("unknown constant pool tag " + tag);
        }
      }
      Set<String> out = new TreeSet<>();
      for (int i = 1; i < count; i++) {
        if (refs[i] == null || refs[i][0] != 9) {
          continue;
        }
        String owner = (String) pool[refs[refs[i][1]][1]];
        String field = (String) pool[refs[refs[i][2]][1]];
        if (KERNEL_ENUMS.contains(owner)) {
          out.add(owner.substring(owner.lastIndexOf('/') + 1) + "." + field);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
