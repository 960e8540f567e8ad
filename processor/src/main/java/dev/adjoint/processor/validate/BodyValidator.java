package dev.adjoint.processor.validate;

import com.sun.source.tree.BreakTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.SwitchExpressionTree;
import com.sun.source.tree.SwitchTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.tree.YieldTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.adjoint.processor.Message;
import dev.adjoint.processor.Reporter;
import dev.adjoint.processor.model.RuleTable;
import java.util.Set;
import javax.lang.model.type.TypeMirror;

/**
 * The syntactic checks of a {@code @Forward} body: statement kinds outside the differentiable
 * subset. Every problem is reported (not just the first); semantic checks (which calls are
 * differentiable) happen while the body is modelled.
 */
public final class BodyValidator {
  private final Trees trees;
  private final Reporter reporter;

  public BodyValidator(Trees trees, Reporter reporter) {
    this.trees = trees;
    this.reporter = reporter;
  }

  /** Checks {@code method}'s body; returns whether it is clean. */
  public boolean check(MethodTree method, CompilationUnitTree unit) {
    int before = reporter.errorCount();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitWhileLoop(WhileLoopTree t, Void v) {
        reporter.error(t, unit, Message.WHILE_LOOP);
        return super.visitWhileLoop(t, v);
      }

      @Override
      public Void visitDoWhileLoop(DoWhileLoopTree t, Void v) {
        reporter.error(t, unit, Message.WHILE_LOOP);
        return super.visitDoWhileLoop(t, v);
      }

      @Override
      public Void visitTry(TryTree t, Void v) {
        reporter.error(t, unit, Message.TRY_CATCH);
        return super.visitTry(t, v);
      }

      @Override
      public Void visitLambdaExpression(LambdaExpressionTree t, Void v) {
        reporter.error(t, unit, Message.LAMBDA);
        return null;
      }

      @Override
      public Void visitMemberReference(MemberReferenceTree t, Void v) {
        reporter.error(t, unit, Message.LAMBDA);
        return null;
      }

      @Override
      public Void visitSwitch(SwitchTree t, Void v) {
        reporter.error(t, unit, Message.SWITCH, "statement");
        return super.visitSwitch(t, v);
      }

      @Override
      public Void visitSwitchExpression(SwitchExpressionTree t, Void v) {
        reporter.error(t, unit, Message.SWITCH, "expression");
        return super.visitSwitchExpression(t, v);
      }

      @Override
      public Void visitYield(YieldTree t, Void v) {
        return super.visitYield(t, v);
      }

      @Override
      public Void visitSynchronized(SynchronizedTree t, Void v) {
        reporter.error(t, unit, Message.SYNCHRONIZED);
        return super.visitSynchronized(t, v);
      }

      @Override
      public Void visitLabeledStatement(LabeledStatementTree t, Void v) {
        reporter.error(t, unit, Message.LABEL, t.getLabel());
        return super.visitLabeledStatement(t, v);
      }

      @Override
      public Void visitBreak(BreakTree t, Void v) {
        // A break that ends a case of a switch belongs to the switch, which is reported.
        if (t.getLabel() != null || !leavesSwitch(getCurrentPath())) {
          reporter.error(t, unit, Message.BREAK);
        }
        return null;
      }

      @Override
      public Void visitContinue(ContinueTree t, Void v) {
        reporter.error(t, unit, Message.CONTINUE);
        return null;
      }

      @Override
      public Void visitClass(ClassTree t, Void v) {
        reporter.error(t, unit, Message.LOCAL_CLASS);
        return null;
      }

      @Override
      public Void visitConditionalExpression(ConditionalExpressionTree t, Void v) {
        // A ?: between tensors becomes if/else (the backward replays the saved decision); one
        // whose condition reads tensor elements is a per-element choice written wrongly, or a
        // data-dependent branch that if/else should make visible.
        TypeMirror type = trees.getTypeMirror(getCurrentPath());
        if (type != null && RuleTable.isTensor(type)
            && readsTensorValues(new TreePath(getCurrentPath(), t.getCondition()))) {
          reporter.error(t, unit, Message.TENSOR_CONDITION);
        }
        return super.visitConditionalExpression(t, v);
      }
    }.scan(new TreePath(new TreePath(unit), method.getBody()), null);
    return reporter.errorCount() == before;
  }

  /** Whether the innermost statement an unlabeled break at {@code path} leaves is a switch. */
  private static boolean leavesSwitch(TreePath path) {
    for (TreePath p = path.getParentPath(); p != null; p = p.getParentPath()) {
      switch (p.getLeaf().getKind()) {
        case SWITCH, SWITCH_EXPRESSION -> {
          return true;
        }
        case FOR_LOOP, ENHANCED_FOR_LOOP, WHILE_LOOP, DO_WHILE_LOOP -> {
          return false;
        }
        default -> { }
      }
    }
    return false;
  }

  /** Tensor methods that read only metadata, not elements. */
  private static final Set<String> METADATA = Set.of("shape", "size", "dim", "numel", "dtype",
      "device", "strides", "storageOffset", "isContiguous", "requiresGrad", "isLeaf");

  /**
   * Whether {@code condition} reads the elements of a tensor ({@code x.sum().item() > 0}); its
   * shape, dtype or device ({@code x.dim() == 2}) do not count.
   */
  private boolean readsTensorValues(TreePath condition) {
    boolean[] found = new boolean[1];
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void v) {
        TypeMirror result = trees.getTypeMirror(getCurrentPath());
        if (call.getMethodSelect() instanceof MemberSelectTree ms
            && !METADATA.contains(ms.getIdentifier().toString())
            && result != null && !RuleTable.isTensor(result)) {
          TypeMirror receiver = trees.getTypeMirror(
              new TreePath(new TreePath(getCurrentPath(), ms), ms.getExpression()));
          found[0] |= receiver != null && RuleTable.isTensor(receiver);
        }
        return super.visitMethodInvocation(call, v);
      }
    }.scan(condition, null);
    return found[0];
  }
}
