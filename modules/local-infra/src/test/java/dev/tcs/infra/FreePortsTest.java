package dev.tcs.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

  @Test
  void one_calledManyTimes_neverHandsOutAPortTwice() {
    Set<Integer> seen = new HashSet<>();
    int calls = 3000;
    for (int i = 0; i < calls; i++) {
      seen.add(FreePorts.one());
    }
    assertEquals(calls, seen.size(), "every call must return a port no earlier call returned");
  }

  @Test
  void distinct_returnsPortsNotHandedOutBefore() {
    int first = FreePorts.one();
    Set<Integer> next = new HashSet<>(FreePorts.distinct(50));
    assertEquals(50, next.size());
    assertEquals(false, next.contains(first));
  }
}
