package dev.adjoint.processor.model;

import javax.lang.model.type.TypeMirror;

/** How messages name types: as the user wrote them, with an article. */
final class Describe {
  private Describe() {}

  /**
   * {@code Tensor[]}, {@code List<Tensor>}, {@code Base}: {@code type} without the package
   * qualifiers of the names in it (the segments before a dot that start in lower case).
   */
  static String type(TypeMirror type) {
    String s = String.valueOf(type);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (!Character.isJavaIdentifierPart(c)) {
        out.append(c);
        i++;
        continue;
      }
      int end = i;
      while (end < s.length() && Character.isJavaIdentifierPart(s.charAt(end))) {
        end++;
      }
      boolean qualifier = end < s.length() && s.charAt(end) == '.'
          && (Character.isLowerCase(c) || c == '_' || c == '$');
      if (qualifier) {
        i = end + 1;
      } else {
        out.append(s, i, end);
        i = end;
      }
    }
    return out.toString();
  }

  /** {@code a Tensor}, {@code an Object}. */
  static String withArticle(String noun) {
    return ("AEIOU".indexOf(noun.isEmpty() ? 'x' : noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }
}
