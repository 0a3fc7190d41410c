import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

const MAX_WAIT_MS = 1;

/**
 * Replies a thread waits for without returning to its event loop: the other thread posts the reply,
 * then raises a shared flag and wakes it (Atomics). The waiting thread reads the reply off its port
 * (`receiveMessageOnPort`), so a call to another thread looks synchronous to its caller.
 */
export class BlockingReplies {
  /** Shared with the replying thread, with `replyPort`. */
  readonly flag = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  private readonly channel = new MessageChannel();

  /** The port the replying thread posts on: transfer it to that thread. */
  get replyPort(): MessagePort {
    return this.channel.port2;
  }

  /** Blocks until the next reply arrives, and returns it; throws when none came within `timeoutMs`. */
  take(timeoutMs: number, waitingFor: string): unknown {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const received = receiveMessageOnPort(this.channel.port1);
      if (received !== undefined) return received.message;
      if (performance.now() > deadline) throw new Error(`no reply from ${waitingFor} within ${timeoutMs} ms`);
      // The flag only says a reply was posted: under load the reply was seen on the port up to a few
      // thousand reads after the flag was raised (2 in 400,000 calls). So it is lowered and the port read
      // again, and no wait is longer than a millisecond, whatever the flag said.
      if (Atomics.wait(this.flag, 0, 0, MAX_WAIT_MS) !== 'timed-out') Atomics.store(this.flag, 0, 0);
    }
  }
}

/** The replying side of BlockingReplies: posts `reply` and wakes the waiting thread. */
export function sendBlockingReply(port: MessagePort, flag: Int32Array, reply: unknown): void {
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}
