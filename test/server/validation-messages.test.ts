/**
 * Validation messages are written for people: zod's defaults ("Too big: expected string to have
 * <=254 characters") never reach a client. The fallback map words each kind of check; the tRPC
 * formatter puts the field's name in front (no "links.0.note" paths) and sends each field's
 * message on its own for the form to show under the field.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { handleTrpcRequest } from "../../server/http/trpc-handler";
import { MAX_MARKDOWN_CHARS } from "../../server/render/markdown";
import { EXPERIMENT_LIMITS } from "../../server/services/experiments/limits";
import { readableZodMessage } from "../../server/trpc/init";
import { fieldLabel } from "../../server/validation/zod-messages";
import { testIp, useDatabaseWithRoles } from "../setup/callers";

const ctx = useDatabaseWithRoles();

// What zod says by default, in the words it uses.
const ZOD_DEFAULT = /Too big|Too small|expected (string|number|array)|Invalid (input|option|string)|<=|>=/;

const messageOf = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  if (result.success) throw new Error("expected the input to be refused");
  return readableZodMessage(result.error);
};

describe("zod's own checks get people-worded messages", () => {
  it("words each kind of check and names the field", () => {
    const schema = z.object({
      title: z.string().max(300),
      authors: z.array(z.string().min(1)).min(1).max(3),
      year: z.number().int().min(1900).max(2100),
      relation: z.enum(["introduces", "applies"]),
      email: z.string().email(),
      paperId: z.number(),
    });
    const message = messageOf(schema, { title: "x".repeat(301), authors: ["Ada", ""], year: 2200, relation: "likes", email: "nope", paperId: undefined });
    expect(message.split("\n")).toEqual([
      "Title: Too long: at most 300 characters.",
      "Authors, item 2: Required: this cannot be empty.",
      "Year: Must be at most 2,100.",
      "Relation: Choose one of “introduces”, “applies”.",
      "Email: Enter an email address, like name@example.org.",
      "Paper id: Required.",
    ]);
    expect(message).not.toMatch(ZOD_DEFAULT);
    expect(messageOf(z.object({ tags: z.array(z.string()).max(2) }), { tags: ["a", "b", "c"] })).toBe("Tags: Too many: at most 2 items.");
    expect(messageOf(z.object({ n: z.string() }), { n: 4 })).toBe("N: Expected text here.");
    expect(messageOf(z.object({ a: z.string() }).strict(), { a: "x", extra: 1 })).toBe("“extra” is not a field that can be set here.");
  });

  it("keeps a schema's own message", () => {
    expect(messageOf(z.object({ name: z.string().max(3, "Keep the name short.") }), { name: "long" })).toBe("Name: Keep the name short.");
  });

  it("the experiment form's question limit is the renderer's (the limits file imports nothing, so it spells it out)", () => {
    expect(EXPERIMENT_LIMITS.question).toBe(MAX_MARKDOWN_CHARS);
  });

  it("reads paths the way a person would", () => {
    expect(fieldLabel(["links", 0, "note"])).toBe("Links, item 1, note");
    expect(fieldLabel(["arxivId"])).toBe("arXiv id");
    expect(fieldLabel(["doi"])).toBe("DOI");
  });
});

describe("over HTTP, a refused input answers people-worded messages", () => {
  it("sign-up with an over-long email: the message and the field error say the limit in words", async () => {
    const response = await handleTrpcRequest(
      new Request("http://mechmap.test/api/trpc/users.signUp", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { email: `${"a".repeat(60)}@${"b".repeat(250)}.org`, password: "a long passphrase", name: "Ada" } }),
      }),
      async () => ({ db: ctx.t.db, getUser: async () => null, clientIp: testIp() }),
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { json: { message: string; data: { fieldErrors: Record<string, string> } } } };
    expect(body.error.json.message).toContain("Email: ");
    expect(body.error.json.message).toContain("at most 254 characters");
    expect(body.error.json.message).not.toMatch(ZOD_DEFAULT);
    expect(body.error.json.data.fieldErrors.email).toMatch(/^[A-Z].*\.$/);
    expect(body.error.json.data.fieldErrors.email).not.toMatch(ZOD_DEFAULT);
  });

  it("a role that does not exist lists the roles there are", async () => {
    await expect(ctx.as.admin.users.setRole({ email: ctx.as.users.member.email, role: "king" as "admin" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "Role: Choose one of “member”, “moderator”, “admin”.",
    });
  });
});
