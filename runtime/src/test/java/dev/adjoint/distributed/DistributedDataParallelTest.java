package dev.adjoint.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.nn.Linear;
import dev.adjoint.nn.MSELoss;
import dev.adjoint.nn.Module;
import dev.adjoint.nn.Sequential;
import dev.adjoint.nn.Tanh;
import dev.adjoint.optim.SGD;
import dev.adjoint.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class DistributedDataParallelTest {
  private static final int BATCH = 8;
  private static final int STEPS = 20;

  private static Module model(long seed) {
    Tensor.manualSeed(seed);
    // 579 parameters: 3 buckets of 1 KiB
    return new Sequential(new Linear(5, 64), new Tanh(), new Linear(64, 3));
  }

  private static SGD optimizer(Module m) {
    return SGD.builder(m.parameters()).lr(0.1).momentum(0.9).build();
  }

  /** Rows [from, from + count) of the fixed data set. */
  private static Tensor[] rows(Tensor x, Tensor y, int from, int count) {
    return new Tensor[] {x.narrow(0, from, count), y.narrow(0, from, count)};
  }

  private static long checksum(Module m) {
    CRC32 crc = new CRC32();
    for (Tensor p : m.parameters()) {
      for (float v : p.toFloatArray()) {
        int bits = Float.floatToRawIntBits(v);
        crc.update(new byte[] {(byte) bits, (byte) (bits >> 8), (byte) (bits >> 16),
            (byte) (bits >> 24)});
      }
    }
    return crc.getValue();
  }

  private record RankRun(List<Double> losses, List<Long> checksums,
      List<Map<String, Tensor>> states) {}

  @Test
  void twoRanksWithHalfBatchesTrainAsOneProcessWithTheWholeBatch() throws Exception {
    Tensor.manualSeed(3);
    Tensor x = Tensor.randn(BATCH * STEPS, 5);
    Tensor y = Tensor.randn(BATCH * STEPS, 3);

    // The reference: one process, batches of 8.
    Module single = model(7);
    SGD opt = optimizer(single);
    MSELoss loss = new MSELoss();
    List<Double> singleLosses = new ArrayList<>();
    List<Map<String, Tensor>> singleStates = new ArrayList<>();
    for (int s = 0; s < STEPS; s++) {
      Tensor[] b = rows(x, y, s * BATCH, BATCH);
      opt.zeroGrad();
      Tensor l = loss.call(single.call(b[0]), b[1]);
      l.backward();
      opt.step();
      singleLosses.add(l.item());
      singleStates.add(snapshot(single));
    }

    // Two ranks, batches of 4 each, the same sample order; rank 1 starts from other weights,
    // which DistributedDataParallel replaces with rank 0's.
    Module[] models = {model(7), model(8)};
    assertTrue(!models[0].parameters().get(0).equal(models[1].parameters().get(0)));
    List<RankRun> runs = Ranks.values(2, 1024, g -> {
      Module m = models[g.rank()];
      DistributedDataParallel ddp = new DistributedDataParallel(m, g);
      SGD o = optimizer(m);
      MSELoss lossFn = new MSELoss();
      RankRun run = new RankRun(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
      run.checksums().add(checksum(m));
      for (int s = 0; s < STEPS; s++) {
        Tensor[] b = rows(x, y, s * BATCH + g.rank() * BATCH / 2, BATCH / 2);
        o.zeroGrad();
        Tensor l = lossFn.call(ddp.call(b[0]), b[1]);
        l.backward();
        ddp.syncGradients();
        o.step();
        run.losses().add(l.item());
        run.checksums().add(checksum(m));
        run.states().add(snapshot(m));
      }
      return run;
    });

    assertEquals(runs.get(0).checksums(), runs.get(1).checksums(),
        "the ranks' parameters differ after some step");
    for (int s = 0; s < STEPS; s++) {
      // The whole batch's mean loss is the mean of the two halves' mean losses.
      double twoRanks = (runs.get(0).losses().get(s) + runs.get(1).losses().get(s)) / 2;
      assertEquals(singleLosses.get(s), twoRanks, 1e-6 * Math.abs(singleLosses.get(s)),
          "loss at step " + s);
      for (Map.Entry<String, Tensor> e : singleStates.get(s).entrySet()) {
        float[] expected = e.getValue().toFloatArray();
        float[] actual = runs.get(0).states().get(s).get(e.getKey()).toFloatArray();
        for (int i = 0; i < expected.length; i++) {
          // float32 rounding: the two runs add the batch's gradients in another order, a few
          // ulps apart (3 ulps seen); 4 float32 epsilons (1.19e-7 each) of max(1, |w|).
          assertEquals(expected[i], actual[i], 4 * 0x1p-23 * Math.max(1, Math.abs(expected[i])),
              e.getKey() + "[" + i + "] after step " + s);
        }
      }
    }
  }

  private static Map<String, Tensor> snapshot(Module m) {
    Map<String, Tensor> out = new java.util.LinkedHashMap<>();
    m.stateDict().forEach((k, v) -> out.put(k, v.clone()));
    return out;
  }

  @Test
  void aGradientMissingOnOneRankCountsAsZero() throws Exception {
    Module[] models = {model(1), model(1)};
    List<Tensor[]> grads = Ranks.values(2, 1024, g -> {
      Module m = models[g.rank()];
      DistributedDataParallel ddp = new DistributedDataParallel(m, g);
      List<Tensor> ps = m.parameters();
      // rank 0: grad 2 on parameter 0, grad 4 on parameter 1; rank 1: grad 6 on parameter 0
      // only; parameters 2 and 3 get no gradient anywhere.
      ps.get(0).setGrad(ps.get(0).detach().onesLike().mul(g.rank() == 0 ? 2 : 6));
      if (g.rank() == 0) {
        ps.get(1).setGrad(ps.get(1).detach().onesLike().mul(4));
      }
      ddp.syncGradients();
      return new Tensor[] {ps.get(0).grad(), ps.get(1).grad(), ps.get(2).grad(),
          ps.get(3).grad()};
    });
    for (Tensor[] g : grads) {
      assertTrue(g[0].equal(g[0].onesLike().mul(4)), "(2 + 6) / 2");
      assertTrue(g[1].equal(g[1].onesLike().mul(2)), "(4 + 0) / 2");
      assertNull(g[2]);
      assertNull(g[3]);
    }
  }

  @Test
  void constructionCopiesRankZerosParameters() throws Exception {
    Module[] models = {model(11), model(12)};
    float[] rank0 = models[0].parameters().get(2).toFloatArray();
    List<float[]> after = Ranks.values(2, ProcessGroup.DEFAULT_BUCKET_BYTES, g -> {
      new DistributedDataParallel(models[g.rank()], g);
      return models[g.rank()].parameters().get(2).toFloatArray();
    });
    assertArrayEquals(rank0, after.get(0));
    assertArrayEquals(rank0, after.get(1));
  }
}
