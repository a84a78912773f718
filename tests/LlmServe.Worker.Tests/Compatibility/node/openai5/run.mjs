import OpenAI from 'openai';
import { main } from '../checks.mjs';

await main(OpenAI, '5.23.2');
