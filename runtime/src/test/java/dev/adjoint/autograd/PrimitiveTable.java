package dev.adjoint.autograd;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The rule table's {@code @Primitive} declarations as the class files hold them. The annotation
 * has CLASS retention (the processor reads it, reflection cannot), so this reads the
 * {@code RuntimeInvisibleAnnotations} attributes of compiled classes directly: enough of the class
 * file format (JVMS 4) to find each method's {@code @Primitive} and its {@code differentiable} and
 * {@code nondifferentiable} values.
 */
final class PrimitiveTable {
  private static final String PRIMITIVE = "Ldev/adjoint/annotations/Primitive;";
  private static final String ADJOINT = "Ldev/adjoint/annotations/Adjoint;";

  /** What {@link #read} gives for an {@code @Adjoint} rule: a gradient, not an op. */
  static final Declaration RULE = new Declaration(false, Set.of("@Adjoint"));

  /** One {@code @Primitive} method's declaration. */
  record Declaration(boolean differentiable, Set<String> nondifferentiable) {}

  private PrimitiveTable() {}

  /** The key of a method in {@link #read}'s map: its name and JVM descriptor. */
  static String key(Method m) {
    return m.getName() + MethodType.methodType(m.getReturnType(), m.getParameterTypes())
        .toMethodDescriptorString();
  }

  /**
   * The {@code @Primitive} methods of {@code type}, by {@link #key}, and its {@code @Adjoint}
   * methods, mapped to {@link #RULE}.
   */
  static Map<String, Declaration> read(Class<?> type) {
    return declarations(annotations(type));
  }

  /** One annotation of one method, as its class file holds it. */
  record Annotated(String method, String descriptor, String type, Map<String, Object> values) {
    /** A class-valued element as a binary name ({@code rules = Views.class}), or null. */
    String className(String element) {
      Object v = values.get(element);
      return v == null ? null : ((String) v).substring(1, ((String) v).length() - 1)
          .replace('/', '.');
    }
  }

  /**
   * Every {@code @Primitive} and {@code @Adjoint} of {@code type}'s methods with its element
   * values: strings, ints for booleans, lists for arrays, descriptors for classes.
   */
  static List<Annotated> annotations(Class<?> type) {
    String resource = "/" + type.getName().replace('.', '/') + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no class file for " + type.getName());
      }
      return parse(new DataInputStream(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Binary names of the classes compiled into the same output folder as {@code anchor} that
   * declare at least one {@code @Primitive} method.
   */
  static Set<String> classesDeclaringPrimitives(Class<?> anchor) {
    Path root;
    try {
      root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    Set<String> out = new TreeSet<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
        try (InputStream in = Files.newInputStream(p)) {
          if (declarations(parse(new DataInputStream(in))).values().stream()
              .anyMatch(d -> d != RULE)) {
            String rel = root.relativize(p).toString().replace('\\', '/');
            out.add(rel.substring(0, rel.length() - ".class".length()).replace('/', '.'));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Map<String, Declaration> declarations(List<Annotated> annotated) {
    Map<String, Declaration> out = new HashMap<>();
    for (Annotated a : annotated) {
      if (a.type().equals(PRIMITIVE)) {
        Object nd = a.values().getOrDefault("nondifferentiable", List.of());
        Set<String> names = new TreeSet<>();
        for (Object o : (List<?>) nd) {
          names.add((String) o);
        }
        Object d = a.values().getOrDefault("differentiable", 1);
        out.put(a.method() + a.descriptor(),
            new Declaration(!Integer.valueOf(0).equals(d), names));
      } else {
        out.put(a.method() + a.descriptor(), RULE);
      }
    }
    return out;
  }

  private static List<Annotated> parse(DataInputStream in) throws IOException {
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    Object[] pool = new Object[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1 -> pool[i] = in.readUTF();
        case 3 -> pool[i] = in.readInt();
        case 4 -> in.readFloat();
        case 5, 6 -> {
          in.readLong();
          i++; // eight-byte constants take two slots
        }
        case 7, 8, 16, 19, 20 -> in.readUnsignedShort();
        case 9, 10, 11, 12, 17, 18 -> in.readInt();
        case 15 -> {
          in.readUnsignedByte();
          in.readUnsignedShort();
        }
        default -> throw new IOException("unknown constant pool tag " + tag);
      }
    }
    in.readUnsignedShort(); // access
    in.readUnsignedShort(); // this
    in.readUnsignedShort(); // super
    int interfaces = in.readUnsignedShort();
    for (int i = 0; i < interfaces; i++) {
      in.readUnsignedShort();
    }
    int fields = in.readUnsignedShort();
    for (int i = 0; i < fields; i++) {
      in.readUnsignedShort();
      in.readUnsignedShort();
      in.readUnsignedShort();
      skipAttributes(in);
    }
    List<Annotated> out = new ArrayList<>();
    int methods = in.readUnsignedShort();
    for (int i = 0; i < methods; i++) {
      in.readUnsignedShort(); // access
      String name = (String) pool[in.readUnsignedShort()];
      String descriptor = (String) pool[in.readUnsignedShort()];
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        String attribute = (String) pool[in.readUnsignedShort()];
        int length = in.readInt();
        if (!attribute.equals("RuntimeInvisibleAnnotations")) {
          in.skipNBytes(length);
          continue;
        }
        int annotations = in.readUnsignedShort();
        for (int k = 0; k < annotations; k++) {
          Map<String, Object> values = new HashMap<>();
          String type = annotation(in, pool, values);
          if (type.equals(PRIMITIVE) || type.equals(ADJOINT)) {
            out.add(new Annotated(name, descriptor, type, Map.copyOf(values)));
          }
        }
      }
    }
    return out;
  }

  /** Reads one annotation into {@code values} (element name to value); returns its type. */
  private static String annotation(DataInputStream in, Object[] pool, Map<String, Object> values)
      throws IOException {
    String type = (String) pool[in.readUnsignedShort()];
    int pairs = in.readUnsignedShort();
    for (int p = 0; p < pairs; p++) {
      String element = (String) pool[in.readUnsignedShort()];
      values.put(element, elementValue(in, pool));
    }
    return type;
  }

  private static Object elementValue(DataInputStream in, Object[] pool) throws IOException {
    int tag = in.readUnsignedByte();
    switch (tag) {
      case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z', 's', 'c':
        return pool[in.readUnsignedShort()];
      case 'e':
        in.readUnsignedShort();
        return pool[in.readUnsignedShort()];
      case '@':
        return annotation(in, pool, new HashMap<>());
      case '[': {
        int n = in.readUnsignedShort();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(elementValue(in, pool));
        }
        return list;
      }
      default:
        throw new IOException("unknown element value tag " + (char) tag);
    }
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.readUnsignedShort();
      in.skipNBytes(in.readInt());
    }
  }
}
