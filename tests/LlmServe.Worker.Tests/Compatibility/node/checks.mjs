// Exercises one version of the npm `openai` client against a generative and an embedding worker, and prints one
// JSON object on stdout for the C# test (Compatibility/NodeOpenAiClientTests.cs) to assert on.
// Usage: node openaiN/run.mjs GENERATIVE_BASE_URL EMBEDDING_BASE_URL   (base URLs end in /v1)

const prompt = 'Once upon a time';
const cat = 'The cat sits on the mat.';
const feline = 'A feline rests on a rug.';

export async function run(OpenAI, version, [generativeUrl, embeddingUrl]) {
  if (!generativeUrl || !embeddingUrl) {
    throw new Error('usage: run.mjs GENERATIVE_BASE_URL EMBEDDING_BASE_URL');
  }
  const options = { apiKey: 'unused', maxRetries: 0, timeout: 60_000 };
  const generative = new OpenAI({ ...options, baseURL: generativeUrl });
  const embedding = new OpenAI({ ...options, baseURL: embeddingUrl });

  const model = await firstModel(generative);
  const embeddingModel = await firstModel(embedding);
  const messages = [{ role: 'user', content: prompt }];

  const chat = await generative.chat.completions.create({ model, messages, max_tokens: 20, temperature: 0 });

  const stream = await generative.chat.completions.create({
    model, messages, max_tokens: 20, temperature: 0, stream: true, stream_options: { include_usage: true },
  });
  let streamText = '';
  let chunks = 0;
  let streamUsage = null;
  let streamFinish = null;
  for await (const chunk of stream) {
    chunks++;
    const choice = chunk.choices[0];
    streamText += choice?.delta?.content ?? '';
    streamFinish = choice?.finish_reason ?? streamFinish;
    streamUsage = chunk.usage ?? streamUsage;
  }

  const completion = await generative.completions.create({ model, prompt, max_tokens: 20, temperature: 0 });

  // No encoding_format: the client asks for base64 and decodes it itself.
  const byDefault = await embedding.embeddings.create({ model: embeddingModel, input: [cat, feline] });
  const asFloat = await embedding.embeddings.create({ model: embeddingModel, input: [cat, feline], encoding_format: 'float' });

  return {
    version,
    models: { generative: model, embedding: embeddingModel },
    chat: {
      text: chat.choices[0].message.content,
      finishReason: chat.choices[0].finish_reason,
      usage: chat.usage,
    },
    chatStream: { text: streamText, chunks, finishReason: streamFinish, usage: streamUsage, ended: true },
    completion: {
      text: completion.choices[0].text,
      finishReason: completion.choices[0].finish_reason,
      usage: completion.usage,
    },
    embeddings: { byDefault: summarize(byDefault), asFloat: summarize(asFloat) },
  };
}

async function firstModel(client) {
  const page = await client.models.list();
  return page.data[0].id;
}

function summarize(response) {
  const vectors = response.data.map((d) => Array.from(d.embedding));
  return {
    count: vectors.length,
    lengths: vectors.map((v) => v.length),
    norms: vectors.map((v) => Math.sqrt(dot(v, v))),
    cosine: vectors.length === 2 && vectors[0].length > 0
      ? dot(vectors[0], vectors[1]) / Math.sqrt(dot(vectors[0], vectors[0]) * dot(vectors[1], vectors[1]))
      : null,
    promptTokens: response.usage?.prompt_tokens ?? null,
  };
}

function dot(a, b) {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

export async function main(OpenAI, version) {
  try {
    const result = await run(OpenAI, version, process.argv.slice(2));
    process.stdout.write(JSON.stringify(result) + '\n');
  } catch (error) {
    process.stderr.write(`openai ${version}: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  }
}
