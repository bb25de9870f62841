/**
 * Topic names follow Kafka's rules so that the same names work through a Kafka listener later:
 * ASCII letters, digits, '.', '_' and '-', one to 249 characters, and not '.' or '..' (they
 * would be path components on disk).
 */
import { BrookError } from '../protocol/errors.js';
import { defaultLimits } from '../util/limits.js';

const LEGAL = /^[a-zA-Z0-9._-]+$/;

export function checkTopicName(name: string): void {
  const shown = JSON.stringify(name.length > 300 ? `${name.slice(0, 300)}...` : name);
  if (name.length === 0) throw new BrookError('INVALID_TOPIC', 'topic name is empty');
  if (name.length > defaultLimits.topicNameLengthMax) {
    throw new BrookError(
      'INVALID_TOPIC',
      `topic name ${shown} is ${name.length} characters; the limit is ${defaultLimits.topicNameLengthMax}`,
      { details: { topic: name.slice(0, 300) } },
    );
  }
  if (name === '.' || name === '..') {
    throw new BrookError('INVALID_TOPIC', `topic name ${shown} is not allowed`);
  }
  if (!LEGAL.test(name)) {
    throw new BrookError(
      'INVALID_TOPIC',
      `topic name ${shown} is invalid: use letters, digits, '.', '_' and '-'`,
      { details: { topic: name } },
    );
  }
}
