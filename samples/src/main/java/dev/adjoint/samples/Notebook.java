package dev.adjoint.samples;

/**
 * The main sample: every cell of the PyTorch intro notebook ported so far (tensors, devices and
 * autograd), each printed beside the PyTorch line it ports.
 */
public final class Notebook {
  private Notebook() {}

  /** Runs the tensor cells, then the autograd cells. */
  public static void main(String[] args) {
    NotebookTensors.run(System.out, 0);
    NotebookAutograd.run(System.out, 0);
  }
}
