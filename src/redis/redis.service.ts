import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config';

/**
 * Owns the process's Redis connections (commands and pub/sub). BullMQ queues and workers
 * open their own, from `connectionOptions()`.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client: Redis;
  private subscriber?: Redis;

  constructor(private readonly config: AppConfig) {
    this.client = new Redis(config.REDIS_URL, this.connectionOptions());
    this.client.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
  }

  /** Options for every connection: retry for ever (Redis restarts must not kill the process). */
  connectionOptions() {
    return {
      maxRetriesPerRequest: null,
      enableReadyCheck: true,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
    };
  }

  get keyPrefix(): string {
    return this.config.QUEUE_PREFIX;
  }

  async subscribe(channel: string, onMessage: (message: string) => void): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = this.client.duplicate();
      this.subscriber.on('error', (err) => this.logger.warn(`redis subscriber: ${err.message}`));
    }
    const sub = this.subscriber;
    sub.on('message', (ch: string, message: string) => {
      if (ch === channel) onMessage(message);
    });
    await sub.subscribe(channel);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.client.publish(channel, message);
  }

  async ping(): Promise<boolean> {
    return (await this.client.ping()) === 'PONG';
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.client.quit(), this.subscriber?.quit()]);
  }
}
