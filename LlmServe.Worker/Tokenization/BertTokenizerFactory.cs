namespace LlmServe.Worker.Tokenization;

/// <summary>
/// Makes the text tokenizer of a BERT-family model folder (vocab.txt, tokenizer_config.json); null when this
/// build has none, in which case the embedding endpoint accepts token ids only. A service, so tests can supply one.
/// </summary>
internal delegate ITokenizer? BertTokenizerFactory(string modelFolder);
