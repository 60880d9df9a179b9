/** Artifact downloads: .npy and safetensors, read back by independent readers. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { float32Bytes, float32FromBytes, toNpy, toSafetensors } from "../../server/artifacts/tensor-files";
import { readSafetensorsHeader, readSafetensorsTensor } from "../../workers/runtime/formats/safetensors";

const dir = mkdtempSync(path.join(tmpdir(), "mechmap-tensors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Reads a .npy file as the format's specification describes it (not with our writer's code). */
function readNpy(buffer: Buffer): { descr: string; fortran: boolean; shape: number[]; values: number[] } {
  expect(buffer.subarray(0, 6).equals(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]))).toBe(true);
  expect([buffer[6], buffer[7]]).toEqual([1, 0]);
  const headerLength = buffer.readUInt16LE(8);
  expect((10 + headerLength) % 64).toBe(0);
  const header = buffer.subarray(10, 10 + headerLength).toString("latin1");
  expect(header.endsWith("\n")).toBe(true);
  const descr = /'descr': '([^']+)'/.exec(header)![1]!;
  const fortran = /'fortran_order': (True|False)/.exec(header)![1] === "True";
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1]!.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const values: number[] = [];
  for (let o = 10 + headerLength; o < buffer.length; o += 4) values.push(buffer.readFloatLE(o));
  return { descr, fortran, shape, values };
}

describe("artifact files", () => {
  const matrix = Float32Array.from({ length: 12 }, (_, i) => (i - 5) / 3);

  it("writes .npy v1.0 with a little-endian float32 descr, C order, the shape and the values", () => {
    const npy = readNpy(toNpy({ name: "components", shape: [3, 4], data: matrix }));
    expect(npy).toEqual({ descr: "<f4", fortran: false, shape: [3, 4], values: Array.from(matrix) });
    expect(readNpy(toNpy({ name: "direction", shape: [12], data: matrix })).shape).toEqual([12]);
  });

  it("writes safetensors that the runtime's safetensors reader loads, with metadata", () => {
    const file = path.join(dir, "artifacts.safetensors");
    const direction = Float32Array.from([0.6, -0.8]);
    const bytes = toSafetensors(
      [
        { name: "layer_3.direction", shape: [2], data: direction },
        { name: "layer_3.components", shape: [3, 4], data: matrix },
      ],
      { experiment: "sentiment", model_sha256: "ab".repeat(32) },
    );
    writeFileSync(file, bytes);
    const entries = readSafetensorsHeader(file);
    expect(entries.map((e) => [e.name, e.shape])).toEqual([
      ["layer_3.direction", [2]],
      ["layer_3.components", [3, 4]],
    ]);
    expect(Array.from(readSafetensorsTensor(entries[0]!))).toEqual(Array.from(direction));
    expect(Array.from(readSafetensorsTensor(entries[1]!))).toEqual(Array.from(matrix));
    const headerLength = Number(bytes.readBigUInt64LE(0));
    expect(JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8")).__metadata__).toEqual({ experiment: "sentiment", model_sha256: "ab".repeat(32) });
  });

  it("round-trips raw float32 storage bit for bit, and refuses shapes that do not match", () => {
    const odd = Float32Array.from([Math.PI, -0, 1e-40, 3.4e38]);
    expect(Array.from(float32FromBytes(float32Bytes(odd)))).toEqual(Array.from(odd));
    expect(Object.is(float32FromBytes(float32Bytes(odd))[1], -0)).toBe(true);
    expect(() => float32FromBytes(new Uint8Array(5))).toThrow(/whole number/);
    expect(() => toNpy({ name: "x", shape: [5], data: matrix })).toThrow(/does not hold 12 values/);
  });
});
