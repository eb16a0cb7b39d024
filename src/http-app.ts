import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { createValidationPipe } from './common/http/validation';
import type { AppConfig } from './config/app-config';

/** Builds the HTTP application exactly as it is served (used by main, tests and the OpenAPI script). */
export async function createHttpApp(
  config: AppConfig,
  options: { worker: boolean; bufferLogs?: boolean },
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    bufferLogs: options.bufferLogs ?? true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: '1mb', type: ['application/json', 'application/*+json'] });
  app.useGlobalPipes(createValidationPipe());
  app.set('trust proxy', 'loopback');
  app.set('etag', false);
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  return app;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Custody Ledger API')
    .setDescription(
      'Tamper-evident chain of custody for hazardous and medical waste. Errors are application/problem+json (RFC 9457). ' +
        'Authenticate with `Authorization: Bearer <API key>`. Side-effecting POSTs accept `Idempotency-Key`.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key: cl_<id>_<secret>' })
    .build();
  return SwaggerModule.createDocument(app, config);
}
