package dev.adjoint.processor;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import javax.annotation.processing.Messager;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports diagnostics on an element or on a statement of a method body, and counts errors so a
 * step emits nothing for a class that has any.
 */
public final class Reporter {
  private final Messager messager;
  private final Trees trees;
  private int errors;

  public Reporter(Messager messager, Trees trees) {
    this.messager = messager;
    this.trees = trees;
  }

  /** An error on {@code element}. */
  public void error(Element element, Message message, Object... args) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message.format(args), element);
  }

  /** An error on a tree node (a statement or expression) inside {@code unit}. */
  public void error(Tree tree, CompilationUnitTree unit, Message message, Object... args) {
    errors++;
    trees.printMessage(Diagnostic.Kind.ERROR, message.format(args), tree, unit);
  }

  /** A note (not an error) on {@code element}. */
  public void note(Element element, String text) {
    messager.printMessage(Diagnostic.Kind.NOTE, text, element);
  }

  /** Errors reported so far. */
  public int errorCount() {
    return errors;
  }
}
