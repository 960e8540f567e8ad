package dev.adjoint.processor.model;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.SourcePositions;
import com.sun.source.util.TreePath;
import com.sun.source.util.Trees;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/**
 * Reads the user's code of one method as {@link Code}: its text, with {@code this} and the
 * implicit receiver of members read by their simple names marked as the receiver, and the types
 * it names (and the owners of static members read by their simple names) marked as types.
 */
final class CodeReader {
  private final Trees trees;
  private final CompilationUnitTree unit;
  private final CharSequence source;
  private final boolean isStatic;

  /** A reader of {@code source}, the text of {@code unit}, for a static method or not. */
  CodeReader(Trees trees, CompilationUnitTree unit, CharSequence source, boolean isStatic) {
    this.trees = trees;
    this.unit = unit;
    this.source = source;
    this.isStatic = isStatic;
  }

  Code span(TreePath parent, List<? extends Tree> trees0) {
    if (trees0.isEmpty()) {
      return new Code(List.of());
    }
    SourcePositions sp = trees.getSourcePositions();
    long start = sp.getStartPosition(unit, trees0.get(0));
    long end = sp.getEndPosition(unit, trees0.get(trees0.size() - 1));
    return rewrite(parent, trees0, start, end);
  }

  /** The user's code of {@code path}'s tree, its receiver and the types it names kept apart. */
  Code code(TreePath path) {
    SourcePositions sp = trees.getSourcePositions();
    Tree t = path.getLeaf();
    return rewrite(path.getParentPath(), List.of(t), sp.getStartPosition(unit, t),
        sp.getEndPosition(unit, t));
  }

  /** The source text of {@code t} as written. */
  String sourceText(Tree t) {
    SourcePositions sp = trees.getSourcePositions();
    return source.subSequence((int) sp.getStartPosition(unit, t),
        (int) sp.getEndPosition(unit, t)).toString();
  }

  /** A condition without the parentheses around it ({@code if (c)}, {@code (c) ? a : b}). */
  Code condition(TreePath path) {
    return code(unparenthesized(path));
  }

  /** A for loop's initializer without the semicolon its last declaration ends with. */
  static Code withoutSemicolon(Code code) {
    List<Code.Part> parts = new ArrayList<>(code.parts());
    if (!parts.isEmpty() && parts.get(parts.size() - 1) instanceof Code.Text t
        && t.text().endsWith(";")) {
      parts.set(parts.size() - 1, new Code.Text(t.text().substring(0, t.text().length() - 1)));
    }
    return new Code(parts);
  }

  /** What replaces {@code length} characters of source text (0: what is inserted). */
  private record Edit(int length, List<Code.Part> parts) {}

  private Code rewrite(TreePath parent, List<? extends Tree> roots, long start, long end) {
    TreeMap<Long, Edit> edits = new TreeMap<>();
    SourcePositions sp = trees.getSourcePositions();
    for (Tree root : roots) {
      TreePath rootPath = new TreePath(parent, root);
      new com.sun.source.util.TreePathScanner<Void, Void>() {
        @Override
        public Void visitIdentifier(IdentifierTree node, Void v) {
          long pos = sp.getStartPosition(unit, node);
          if (node.getName().contentEquals("this")) {
            edits.put(pos, new Edit(4, List.of(new Code.Receiver())));
            return null;
          }
          Element el = trees.getElement(getCurrentPath());
          if (el instanceof TypeElement type) {
            // The generated class has none of the user's imports and is not nested in the owner.
            edits.put(pos, new Edit(node.getName().length(), List.of(typePart(type))));
          } else if (el != null && (el.getKind() == ElementKind.FIELD
              || el.getKind() == ElementKind.METHOD)) {
            if (el.getModifiers().contains(Modifier.STATIC)) {
              // A static member of the owner (or statically imported) read by its simple name.
              edits.put(pos, new Edit(0, List.of(typePart((TypeElement) el.getEnclosingElement()),
                  new Code.Text("."))));
            } else if (!isStatic) {
              edits.put(pos, new Edit(0, List.of(new Code.Receiver(), new Code.Text("."))));
            }
          }
          return null;
        }

        @Override
        public Void visitMemberSelect(MemberSelectTree node, Void v) {
          // A type the user named by its qualified name: the generated file imports it.
          if (trees.getElement(getCurrentPath()) instanceof TypeElement type
              && trees.getElement(new TreePath(getCurrentPath(), node.getExpression()))
                  instanceof PackageElement) {
            long from = sp.getStartPosition(unit, node);
            edits.put(from, new Edit((int) (sp.getEndPosition(unit, node) - from),
                List.of(typePart(type))));
            return null;
          }
          return super.visitMemberSelect(node, v);
        }
      }.scan(rootPath, null);
    }
    List<Code.Part> parts = new ArrayList<>();
    long at = start;
    for (var e : edits.entrySet()) {
      long pos = e.getKey();
      if (pos < at || pos > end) {
        continue;
      }
      text(parts, source.subSequence((int) at, (int) pos).toString());
      for (Code.Part p : e.getValue().parts()) {
        if (p instanceof Code.Text t) {
          text(parts, t.text());
        } else {
          parts.add(p);
        }
      }
      at = pos + e.getValue().length();
    }
    text(parts, source.subSequence((int) at, (int) end).toString());
    return new Code(parts);
  }

  /** Appends {@code text}, joined to the text before it. */
  private static void text(List<Code.Part> parts, String text) {
    if (text.isEmpty()) {
      return;
    }
    if (!parts.isEmpty() && parts.get(parts.size() - 1) instanceof Code.Text t) {
      parts.set(parts.size() - 1, new Code.Text(t.text() + text));
    } else {
      parts.add(new Code.Text(text));
    }
  }

  /** A type named in user code; a local or anonymous class, which has no name, as written. */
  private static Code.Part typePart(TypeElement type) {
    return type.getQualifiedName().isEmpty() ? new Code.Text(type.getSimpleName().toString())
        : new Code.Type(type);
  }

  /** Whether {@code t} is {@code this}. */
  static boolean isThis(Tree t) {
    return t instanceof IdentifierTree id && id.getName().contentEquals("this");
  }

  /** Whether the name or member select at {@code path} reads a member of {@code this}. */
  static boolean isOwnMember(TreePath path) {
    Tree t = path.getLeaf();
    return t instanceof IdentifierTree || isThis(((MemberSelectTree) t).getExpression());
  }

  /** {@code path} without the parentheses around its expression. */
  static TreePath unparenthesized(TreePath path) {
    while (path.getLeaf() instanceof ParenthesizedTree p) {
      path = new TreePath(path, p.getExpression());
    }
    return path;
  }
}
