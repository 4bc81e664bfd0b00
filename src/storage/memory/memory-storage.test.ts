import { runStorageConformance } from '../conformance/storage-conformance.js';
import { createMemoryStorage } from './memory-storage.js';

runStorageConformance('memory', async () => createMemoryStorage());
