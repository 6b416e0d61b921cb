package io.archway.proxy.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.archway.core.config.Cidr;
import io.archway.core.config.ListenerPolicy;
import io.archway.proxy.relay.Termination;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gate's bookkeeping without sockets: the bound on tracked clients and what a ticket gives back. */
class GateTest {

  @Test
  void theClientTableIsBoundedAndIdleEntriesMakeRoomAtOnce() throws Exception {
    AdmissionState state = new AdmissionState(100);
    Gate gate = new Gate(new ListenerPolicy(false, 0, 1, 0, 0, List.of(), List.of()), state);
    List<Gate.Ticket> held = new ArrayList<>();
    for (int c = 0; c < 100; c++) {
      Gate.Admission a = gate.admit(client(c));
      assertThat(a.isAdmitted()).isTrue();
      held.add(a.ticket());
    }
    // Full of clients that hold connections: a new address is refused rather than tracked.
    assertThat(gate.admit(client(100)).refusal()).isEqualTo(Termination.LIMIT);
    assertThat(gate.trackedClients()).isEqualTo(100);

    // Once they are gone, a full table is swept at the next new client, without waiting.
    held.forEach(Gate.Ticket::release);
    assertThat(gate.admit(client(100)).isAdmitted()).isTrue();
    assertThat(gate.trackedClients()).isEqualTo(1);
    assertThat(gate.open()).isEqualTo(1);
  }

  @Test
  void ticketsGiveBackWhatTheyTook() throws Exception {
    AdmissionState state = new AdmissionState(100);
    Gate gate = new Gate(new ListenerPolicy(false, 2, 1, 0, 0, List.of(), List.of(Cidr.parse("10.9.0.0/16"))), state);
    Gate.Admission first = gate.admit(client(1));
    assertThat(gate.admit(client(1)).refusal()).as("per client").isEqualTo(Termination.LIMIT);
    Gate.Admission second = gate.admit(client(2));
    assertThat(gate.admit(client(3)).refusal()).as("per listener").isEqualTo(Termination.LIMIT);
    assertThat(gate.admit(new InetSocketAddress(InetAddress.getByName("10.9.1.1"), 1)).refusal())
        .isEqualTo(Termination.ACCESS_DENIED);
    assertThat(gate.open()).isEqualTo(2);
    first.ticket().release();
    second.ticket().release();
    assertThat(gate.open()).isZero();
    assertThat(gate.admit(client(1)).isAdmitted()).isTrue();
  }

  private static InetSocketAddress client(int n) throws Exception {
    return new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 1, (byte) (n >> 8), (byte) n}), 1000);
  }
}
