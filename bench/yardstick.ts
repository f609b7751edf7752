/**
 * The machine's speed read on the core the gateway runs on, as often as bench/http.ts asks: it
 * writes one number of seconds per line to stdin, and this process answers with one JSON line
 * {"rsa": slowdown, "xml": slowdown} by the two yardsticks (bench/reference-machine.ts and
 * bench/reference-xml.ts). Read right before and after each slice of load, on the same core, a
 * reading sees the machine as that slice did: on a shared host the speed swings 2× within seconds.
 */
import { createInterface } from 'node:readline';
import { measureMachineSpeed } from './reference-machine.js';
import { measureXmlWorkloadSpeed } from './reference-xml.js';

for await (const line of createInterface({ input: process.stdin })) {
  const seconds = Number(line) || 0.3;
  const rsa = measureMachineSpeed(seconds).slowdown;
  const xml = measureXmlWorkloadSpeed(seconds).slowdown;
  process.stdout.write(`${JSON.stringify({ rsa, xml })}\n`);
}
