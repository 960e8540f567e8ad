package dev.adjoint.processor;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.Trees;
import java.io.PrintWriter;
import java.io.StringWriter;
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

  /**
   * The processor's own failure while working on {@code what} (declared by {@code element}): one
   * error with the stack trace, for the bug report it asks for.
   */
  public void internal(Element element, CharSequence what, Throwable failure) {
    error(element, Message.INTERNAL, what, trace(failure));
  }

  /** {@code failure} with its stack trace. */
  static String trace(Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    return trace.toString();
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
