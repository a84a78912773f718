import OpenAI from 'openai';
import { main } from '../checks.mjs';

await main(OpenAI, '4.104.0');
