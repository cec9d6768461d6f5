// The vocabulary of the sample data: Brazilian names, coastal and river cities with real coordinates and real
// places (beaches, rivers, parks, mangroves, neighbourhoods), event titles per category, resources, comments
// and impact-report texts in pt-BR. Pure data; sample-generator.ts combines it.

export interface SampleCity {
  name: string;
  state: string;
  /** City centre (WGS84); events are jittered a few km around it. */
  lat: number;
  lng: number;
  /** First digits of the city's CEPs. */
  cep: string;
  /** Area code for phone numbers. */
  ddd: string;
  /** Relative weight (roughly population). */
  weight: number;
  beaches: string[];
  rivers: string[];
  parks: string[];
  mangroves: string[];
  neighbourhoods: string[];
}

export const CITIES: readonly SampleCity[] = [
  {
    name: 'Fortaleza', state: 'CE', lat: -3.7319, lng: -38.5267, cep: '60', ddd: '85', weight: 8,
    beaches: ['Praia de Iracema', 'Praia do Futuro', 'Praia do Meireles', 'Praia do Mucuripe', 'Praia da Barra do Ceará'],
    rivers: ['Rio Cocó', 'Rio Ceará', 'Riacho Maceió', 'Lagoa da Parangaba'],
    parks: ['Parque do Cocó', 'Parque Rachel de Queiroz', 'Parque da Liberdade', 'Parque Adahil Barreto'],
    mangroves: ['Manguezal do Rio Cocó', 'Manguezal do Rio Ceará'],
    neighbourhoods: ['Benfica', 'Aldeota', 'Messejana', 'Montese', 'Barra do Ceará', 'Pirambu', 'Serrinha'],
  },
  {
    name: 'Recife', state: 'PE', lat: -8.0476, lng: -34.877, cep: '50', ddd: '81', weight: 7,
    beaches: ['Praia de Boa Viagem', 'Praia do Pina', 'Praia de Brasília Teimosa'],
    rivers: ['Rio Capibaribe', 'Rio Beberibe', 'Rio Tejipió', 'Canal Derby-Tacaruna'],
    parks: ['Parque da Jaqueira', 'Parque Dona Lindu', 'Parque da Macaxeira', 'Parque Santana'],
    mangroves: ['Parque dos Manguezais', 'Manguezal do Pina'],
    neighbourhoods: ['Casa Forte', 'Várzea', 'Boa Vista', 'Afogados', 'Ibura', 'Coque'],
  },
  {
    name: 'Salvador', state: 'BA', lat: -12.9714, lng: -38.5014, cep: '40', ddd: '71', weight: 8,
    beaches: ['Praia do Porto da Barra', 'Praia de Itapuã', 'Praia de Stella Maris', 'Praia do Flamengo', 'Praia de Piatã'],
    rivers: ['Rio Camurujipe', 'Rio Jaguaribe', 'Rio das Pedras', 'Lagoa do Abaeté'],
    parks: ['Parque da Cidade', 'Parque de Pituaçu', 'Parque das Dunas', 'Parque São Bartolomeu'],
    mangroves: ['Manguezal de São Tomé de Paripe', 'Manguezal do Rio Jaguaribe'],
    neighbourhoods: ['Rio Vermelho', 'Itapuã', 'Liberdade', 'Cabula', 'Periperi', 'Subúrbio Ferroviário'],
  },
  {
    name: 'Rio de Janeiro', state: 'RJ', lat: -22.9068, lng: -43.1729, cep: '20', ddd: '21', weight: 12,
    beaches: ['Praia de Copacabana', 'Praia de Ipanema', 'Praia do Leblon', 'Praia da Barra da Tijuca', 'Praia de Ramos', 'Praia do Flamengo'],
    rivers: ['Rio Maracanã', 'Canal do Mangue', 'Rio Carioca', 'Lagoa Rodrigo de Freitas', 'Rio Acari'],
    parks: ['Floresta da Tijuca', 'Aterro do Flamengo', 'Quinta da Boa Vista', 'Parque Madureira', 'Parque Lage'],
    mangroves: ['Manguezal de Guaratiba', 'Manguezal da Baía de Guanabara'],
    neighbourhoods: ['Tijuca', 'Madureira', 'Botafogo', 'Campo Grande', 'Maré', 'Santa Teresa', 'Bangu'],
  },
  {
    name: 'Florianópolis', state: 'SC', lat: -27.5954, lng: -48.548, cep: '88', ddd: '48', weight: 4,
    beaches: ['Praia da Joaquina', 'Praia dos Ingleses', 'Praia do Campeche', 'Praia Mole', 'Praia de Canasvieiras'],
    rivers: ['Rio Tavares', 'Rio Ratones', 'Lagoa da Conceição', 'Rio Itacorubi'],
    parks: ['Parque Ecológico do Córrego Grande', 'Parque da Luz', 'Parque Municipal da Lagoa do Peri'],
    mangroves: ['Manguezal do Itacorubi', 'Manguezal do Rio Tavares', 'Manguezal do Saco Grande'],
    neighbourhoods: ['Trindade', 'Campeche', 'Centro', 'Lagoa da Conceição', 'Monte Cristo', 'Ingleses'],
  },
  {
    name: 'Santos', state: 'SP', lat: -23.9608, lng: -46.3336, cep: '11', ddd: '13', weight: 3,
    beaches: ['Praia do Gonzaga', 'Praia do José Menino', 'Praia da Ponta da Praia', 'Praia do Embaré'],
    rivers: ['Rio São Jorge', 'Canal 3', 'Canal 4', 'Rio Bugre'],
    parks: ['Orquidário de Santos', 'Jardim da Orla', 'Parque Roberto Mário Santini'],
    mangroves: ['Manguezal da Alemoa', 'Manguezal da Zona Noroeste'],
    neighbourhoods: ['Gonzaga', 'Vila Mathias', 'Zona Noroeste', 'Aparecida', 'Morro São Bento'],
  },
  {
    name: 'Belém', state: 'PA', lat: -1.4558, lng: -48.4902, cep: '66', ddd: '91', weight: 5,
    beaches: ['Praia do Chapéu Virado', 'Praia do Murubira', 'Praia do Outeiro'],
    rivers: ['Rio Guamá', 'Baía do Guajará', 'Canal da Tamandaré', 'Igarapé do Tucunduba'],
    parks: ['Parque do Utinga', 'Bosque Rodrigues Alves', 'Mangal das Garças'],
    mangroves: ['Manguezal de Mosqueiro', 'Manguezal da Ilha de Cotijuba'],
    neighbourhoods: ['Jurunas', 'Guamá', 'Marco', 'Terra Firme', 'Cidade Velha', 'Icoaraci'],
  },
  {
    name: 'Manaus', state: 'AM', lat: -3.119, lng: -60.0217, cep: '69', ddd: '92', weight: 6,
    beaches: ['Praia da Ponta Negra', 'Praia da Lua'],
    rivers: ['Igarapé do Quarenta', 'Igarapé do Mindu', 'Rio Negro', 'Igarapé de São Raimundo', 'Igarapé do Educandos'],
    parks: ['Parque do Mindu', 'Bosque da Ciência', 'Parque Ponte dos Bilhares', 'Parque Senador Jefferson Péres'],
    mangroves: [],
    neighbourhoods: ['Compensa', 'Cidade Nova', 'Educandos', 'Adrianópolis', 'Jorge Teixeira', 'Coroado'],
  },
  {
    name: 'Porto Alegre', state: 'RS', lat: -30.0346, lng: -51.2177, cep: '90', ddd: '51', weight: 6,
    beaches: ['Praia de Ipanema', 'Praia do Lami', 'Orla do Guaíba'],
    rivers: ['Arroio Dilúvio', 'Lago Guaíba', 'Arroio Cavalhada', 'Arroio do Salso'],
    parks: ['Parque Farroupilha', 'Parque Marinha do Brasil', 'Parque Germânia', 'Parque Moinhos de Vento'],
    mangroves: [],
    neighbourhoods: ['Restinga', 'Partenon', 'Cidade Baixa', 'Sarandi', 'Lomba do Pinheiro', 'Menino Deus'],
  },
  {
    name: 'São Paulo', state: 'SP', lat: -23.5505, lng: -46.6333, cep: '0', ddd: '11', weight: 14,
    beaches: [],
    rivers: ['Rio Pinheiros', 'Rio Tietê', 'Córrego Pirajuçara', 'Represa Billings', 'Represa Guarapiranga'],
    parks: ['Parque Ibirapuera', 'Parque Villa-Lobos', 'Parque do Carmo', 'Parque Estadual da Cantareira', 'Parque Ecológico do Tietê'],
    mangroves: [],
    neighbourhoods: ['Capão Redondo', 'Itaquera', 'Pinheiros', 'Brasilândia', 'Grajaú', 'Mooca', 'Paraisópolis'],
  },
  {
    name: 'Curitiba', state: 'PR', lat: -25.4284, lng: -49.2733, cep: '80', ddd: '41', weight: 5,
    beaches: [],
    rivers: ['Rio Belém', 'Rio Barigui', 'Rio Iguaçu', 'Rio Atuba'],
    parks: ['Parque Barigui', 'Parque Tanguá', 'Bosque Alemão', 'Parque São Lourenço', 'Jardim Botânico de Curitiba'],
    mangroves: [],
    neighbourhoods: ['Boqueirão', 'Cidade Industrial', 'Santa Felicidade', 'Portão', 'Cajuru', 'Sítio Cercado'],
  },
  {
    name: 'Vitória', state: 'ES', lat: -20.3155, lng: -40.3128, cep: '29', ddd: '27', weight: 2,
    beaches: ['Praia de Camburi', 'Praia do Canto', 'Praia da Curva da Jurema'],
    rivers: ['Canal da Passagem', 'Rio Santa Maria da Vitória'],
    parks: ['Parque Pedra da Cebola', 'Parque da Fonte Grande', 'Parque Municipal Gruta da Onça'],
    mangroves: ['Manguezal da Ilha do Lameirão', 'Manguezal de Maria Ortiz'],
    neighbourhoods: ['Jardim Camburi', 'Maruípe', 'São Pedro', 'Centro', 'Santo Antônio'],
  },
  {
    name: 'Natal', state: 'RN', lat: -5.7945, lng: -35.211, cep: '59', ddd: '84', weight: 3,
    beaches: ['Praia de Ponta Negra', 'Praia do Meio', 'Praia dos Artistas', 'Praia da Redinha', 'Praia de Areia Preta'],
    rivers: ['Rio Potengi', 'Rio Pitimbu', 'Lagoa do Jiqui'],
    parks: ['Parque das Dunas', 'Parque da Cidade Dom Nivaldo Monte'],
    mangroves: ['Manguezal do Rio Potengi'],
    neighbourhoods: ['Alecrim', 'Lagoa Nova', 'Rocas', 'Felipe Camarão', 'Redinha'],
  },
  {
    name: 'João Pessoa', state: 'PB', lat: -7.1195, lng: -34.845, cep: '58', ddd: '83', weight: 3,
    beaches: ['Praia de Tambaú', 'Praia do Cabo Branco', 'Praia de Manaíra', 'Praia do Bessa'],
    rivers: ['Rio Jaguaribe', 'Rio Sanhauá', 'Rio Paraíba'],
    parks: ['Parque Zoobotânico Arruda Câmara', 'Parque Solon de Lucena', 'Mata do Buraquinho'],
    mangroves: ['Manguezal do Rio Sanhauá', 'Manguezal do Porto do Capim'],
    neighbourhoods: ['Mangabeira', 'Cruz das Armas', 'Bairro dos Novais', 'Valentina', 'Torre'],
  },
  {
    name: 'Maceió', state: 'AL', lat: -9.6658, lng: -35.735, cep: '57', ddd: '82', weight: 3,
    beaches: ['Praia de Pajuçara', 'Praia de Ponta Verde', 'Praia de Jatiúca', 'Praia de Cruz das Almas', 'Praia do Sobral'],
    rivers: ['Lagoa Mundaú', 'Riacho Salgadinho'],
    parks: ['Parque Municipal de Maceió', 'Parque do Horto'],
    mangroves: ['Manguezal da Lagoa Mundaú', 'Manguezal do Pontal da Barra'],
    neighbourhoods: ['Vergel do Lago', 'Jacintinho', 'Benedito Bentes', 'Pontal da Barra', 'Ponta Grossa'],
  },
  {
    name: 'São Luís', state: 'MA', lat: -2.5307, lng: -44.3068, cep: '65', ddd: '98', weight: 3,
    beaches: ['Praia do Calhau', 'Praia da Ponta d’Areia', 'Praia de São Marcos', 'Praia do Olho d’Água'],
    rivers: ['Rio Anil', 'Rio Bacanga', 'Lagoa da Jansen'],
    parks: ['Parque do Bom Menino', 'Parque Estadual do Bacanga'],
    mangroves: ['Manguezal do Rio Anil', 'Manguezal do Rio Bacanga'],
    neighbourhoods: ['Anjo da Guarda', 'Cohab', 'Vila Palmeira', 'Liberdade', 'Cidade Operária'],
  },
  {
    name: 'Aracaju', state: 'SE', lat: -10.9472, lng: -37.0731, cep: '49', ddd: '79', weight: 2,
    beaches: ['Praia de Atalaia', 'Praia do Refúgio', 'Praia dos Artistas'],
    rivers: ['Rio Sergipe', 'Rio Poxim'],
    parks: ['Parque da Sementeira', 'Parque dos Cajueiros'],
    mangroves: ['Manguezal do Rio Poxim', 'Manguezal do Rio Sergipe'],
    neighbourhoods: ['Santa Maria', 'Bugio', 'Siqueira Campos', 'Coroa do Meio'],
  },
];

export const FEMALE_NAMES = [
  'Ana', 'Maria', 'Juliana', 'Fernanda', 'Camila', 'Beatriz', 'Larissa', 'Patrícia', 'Aline', 'Mariana', 'Gabriela',
  'Letícia', 'Bruna', 'Raquel', 'Luana', 'Francisca', 'Antônia', 'Adriana', 'Tatiane', 'Jéssica', 'Vitória', 'Isabela',
  'Yasmin', 'Thaís', 'Renata', 'Débora', 'Cláudia', 'Sandra', 'Priscila', 'Helena', 'Alice', 'Lívia', 'Sofia', 'Manuela',
  'Valentina', 'Luíza', 'Rayssa', 'Iara', 'Jaciara', 'Conceição',
];
export const MALE_NAMES = [
  'João', 'José', 'Antônio', 'Francisco', 'Carlos', 'Paulo', 'Pedro', 'Lucas', 'Luiz', 'Marcos', 'Gabriel', 'Rafael',
  'Daniel', 'Marcelo', 'Bruno', 'Eduardo', 'Felipe', 'Raimundo', 'Rodrigo', 'Gustavo', 'Thiago', 'Matheus', 'Diego',
  'Leonardo', 'Vinícius', 'Caio', 'Igor', 'Júlio', 'Severino', 'Sebastião', 'Davi', 'Miguel', 'Arthur', 'Heitor',
  'Cauã', 'Ubirajara', 'Edson', 'Wellington',
];
export const SURNAMES = [
  'Silva', 'Santos', 'Oliveira', 'Souza', 'Rodrigues', 'Ferreira', 'Alves', 'Pereira', 'Lima', 'Gomes', 'Costa',
  'Ribeiro', 'Martins', 'Carvalho', 'Almeida', 'Lopes', 'Soares', 'Fernandes', 'Vieira', 'Barbosa', 'Rocha', 'Dias',
  'Nascimento', 'Andrade', 'Moreira', 'Nunes', 'Marques', 'Machado', 'Mendes', 'Freitas', 'Cardoso', 'Ramos',
  'Gonçalves', 'Santana', 'Teixeira', 'Araújo', 'Cavalcanti', 'Bezerra', 'Monteiro', 'Moura', 'Batista', 'Pinheiro',
  'Tavares', 'Brandão', 'Guimarães', 'Queiroz',
];

/** [female, male] wording of each bio. */
export const VOLUNTEER_BIOS: ReadonlyArray<readonly [string, string]> = [
  ['Bióloga e mergulhadora, apaixonada pelo mar e pelos recifes de coral.', 'Biólogo e mergulhador, apaixonado pelo mar e pelos recifes de coral.'],
  ['Estudante de engenharia ambiental. Acredito que pequenas ações mudam o bairro.', 'Estudante de engenharia ambiental. Acredito que pequenas ações mudam o bairro.'],
  ['Professora de geografia da rede pública; levo meus alunos para os mutirões.', 'Professor de geografia da rede pública; levo meus alunos para os mutirões.'],
  ['Aposentada, cuido da horta do bairro e planto mudas sempre que posso.', 'Aposentado, cuido da horta do bairro e planto mudas sempre que posso.'],
  ['Surfista e voluntária em limpezas de praia desde 2018.', 'Surfista e voluntário em limpezas de praia desde 2018.'],
  ['Mãe de dois, quero deixar uma cidade mais verde para eles.', 'Pai de dois, quero deixar uma cidade mais verde para eles.'],
  ['Catadora de recicláveis e membro de cooperativa.', 'Catador de recicláveis e membro de cooperativa.'],
  ['Fotógrafa de natureza; registro antes e depois de cada mutirão.', 'Fotógrafo de natureza; registro antes e depois de cada mutirão.'],
  ['Enfermeira, ajudo com primeiros socorros nos eventos.', 'Enfermeiro, ajudo com primeiros socorros nos eventos.'],
  ['Escoteira há 15 anos. Sempre alerta!', 'Escoteiro há 15 anos. Sempre alerta!'],
  ['Técnica em agroecologia, trabalho com sistemas agroflorestais.', 'Técnico em agroecologia, trabalho com sistemas agroflorestais.'],
  ['Remadora no rio aos fins de semana e voluntária na limpeza das margens.', 'Remador no rio aos fins de semana e voluntário na limpeza das margens.'],
  ['', ''],
  ['', ''],
];
export const ORGANIZER_BIOS: ReadonlyArray<readonly [string, string]> = [
  ['Coordeno o coletivo de limpeza de praias da cidade há cinco anos.', 'Coordeno o coletivo de limpeza de praias da cidade há cinco anos.'],
  ['Presidente da associação de moradores; organizamos mutirões todo mês.', 'Presidente da associação de moradores; organizamos mutirões todo mês.'],
  ['Educadora ambiental, organizo oficinas e plantios com escolas.', 'Educador ambiental, organizo oficinas e plantios com escolas.'],
  ['Fundadora de uma ONG de proteção de manguezais.', 'Fundador de uma ONG de proteção de manguezais.'],
  ['Engenheira florestal; coordeno plantios de espécies nativas da Mata Atlântica.', 'Engenheiro florestal; coordeno plantios de espécies nativas da Mata Atlântica.'],
  ['Liderança comunitária e articuladora da rede de hortas urbanas.', 'Liderança comunitária e articulador da rede de hortas urbanas.'],
];

export const EMERGENCY_RELATIONS_FEMALE = ['mãe', 'irmã', 'esposa', 'companheira', 'tia', 'amiga', 'filha'];
export const EMERGENCY_RELATIONS_MALE = ['pai', 'irmão', 'marido', 'companheiro', 'tio', 'amigo', 'filho'];
export const SPECIAL_NEEDS = [
  'Alergia a picada de inseto (levo antialérgico).',
  'Asma leve.',
  'Uso óculos de grau; prefiro não entrar na água.',
  'Diabetes tipo 1 — preciso de pausa para lanche.',
  'Mobilidade reduzida: prefiro tarefas de apoio e triagem.',
  'Alergia a látex (preciso de luvas nitrílicas).',
];

/** Place kind a category's titles are built on. */
export type PlaceKind = 'beaches' | 'rivers' | 'parks' | 'mangroves' | 'neighbourhoods';

export interface CategoryProfile {
  places: PlaceKind[];
  /** `{da}/{do}` = de + article, `{na}/{no}` = em + article, `{o}` = article, `{p}` the place; a `kind|` prefix pins the place kind. */
  titles: string[];
  descriptions: string[];
  requiredTools: string;
  providedTools: string;
  whatToBring: string;
  resources: Array<{ name: string; type: 'tool' | 'material' | 'equipment' | 'other'; unit: string; min: number; max: number; description: string }>;
  /** Capacity range. */
  capacity: [number, number];
  /** Duration range, hours. */
  hours: [number, number];
  /** Impact per checked-in participant (ranges) for the report. */
  impact: { trashKg?: [number, number]; trees?: [number, number]; areaM2?: [number, number]; recyclableKg?: [number, number] };
  summaries: string[];
  achievements: string[];
}

const COMMON_RESOURCES = {
  bags: { name: 'Sacos de lixo 100 L', type: 'material', unit: 'unidade', min: 50, max: 300, description: 'Sacos resistentes para resíduos não recicláveis.' },
  gloves: { name: 'Luvas de proteção', type: 'equipment', unit: 'pares', min: 20, max: 120, description: 'Luvas de raspa ou nitrílicas, tamanhos P, M e G.' },
  water: { name: 'Água potável', type: 'material', unit: 'litros', min: 40, max: 200, description: 'Galões de 20 L para reabastecer garrafas.' },
  bigbags: { name: 'Big bags para recicláveis', type: 'material', unit: 'unidade', min: 5, max: 30, description: 'Separação de plástico, vidro e metal.' },
  scale: { name: 'Balança de gancho', type: 'equipment', unit: 'unidade', min: 1, max: 3, description: 'Para pesar o material recolhido.' },
  firstaid: { name: 'Kit de primeiros socorros', type: 'equipment', unit: 'unidade', min: 1, max: 3, description: '' },
  sunscreen: { name: 'Protetor solar', type: 'material', unit: 'frascos', min: 5, max: 20, description: 'FPS 50, para quem esquecer o seu.' },
} as const;

export const CATEGORY_PROFILES: Record<string, CategoryProfile> = {
  'Limpeza de Praias': {
    places: ['beaches'],
    titles: ['Limpeza {da} {p}', 'Mutirão {da} {p}: praia sem lixo', 'Catação de microplásticos {na} {p}', 'Limpeza da faixa de areia {da} {p} ao amanhecer', 'Praia limpa, mar vivo: {p}'],
    descriptions: [
      'Vamos recolher plásticos, bitucas de cigarro e redes de pesca abandonadas na faixa de areia e na vegetação de restinga. Ao final, separamos o material reciclável para a cooperativa parceira.',
      'Mutirão aberto a toda a comunidade. Faremos a limpeza da areia e a caracterização do lixo (tipo e quantidade) para o relatório de monitoramento de resíduos marinhos.',
      'Ação pelo Dia Mundial de Limpeza de Praias. Equipes de 5 pessoas, cada uma com um trecho da orla. Crianças acompanhadas são bem-vindas.',
    ],
    requiredTools: 'Nenhuma ferramenta obrigatória.',
    providedTools: 'Luvas, sacos de lixo, pinças de coleta e balança.',
    whatToBring: 'Garrafa d’água, protetor solar, chapéu ou boné, roupa leve e calçado fechado.',
    resources: [COMMON_RESOURCES.bags, COMMON_RESOURCES.gloves, COMMON_RESOURCES.water, COMMON_RESOURCES.bigbags, COMMON_RESOURCES.sunscreen,
      { name: 'Pinças de coleta', type: 'tool', unit: 'unidade', min: 10, max: 60, description: 'Para bitucas e microplásticos.' },
      { name: 'Peneiras para microplástico', type: 'tool', unit: 'unidade', min: 4, max: 20, description: '' }],
    capacity: [15, 80],
    hours: [3, 4],
    impact: { trashKg: [1.5, 6], areaM2: [150, 600], recyclableKg: [0.5, 3] },
    summaries: ['Recolhemos {trash} kg de resíduos {na} {p}, a maioria plásticos, bitucas e tampinhas.', 'Limpamos cerca de {area} m² de areia {na} {p}; {recyclable} kg seguiram para reciclagem.'],
    achievements: ['Mais de mil bitucas de cigarro retiradas da areia.', 'Primeira vez que moradores da comunidade vizinha participaram.', 'Uma tartaruga-verde foi vista na arrebentação durante a ação!'],
  },
  'Limpeza de Rios': {
    places: ['rivers'],
    titles: ['Limpeza das margens {do} {p}', 'Mutirão {do} {p}', 'Retirada de resíduos {do} {p}', 'Caiaques e coleta de lixo {no} {p}', 'Adote um trecho {do} {p}'],
    descriptions: [
      'Retirada de resíduos das margens e do leito raso. Equipe de apoio com caiaques recolhe o lixo flutuante. Não é preciso entrar na água.',
      'Mutirão em parceria com a associação de moradores para limpar as margens e mapear pontos de descarte irregular e de esgoto.',
      'Vamos limpar o trecho urbano do rio e plantar mudas na mata ciliar. Botas e luvas fornecidas para quem precisar.',
    ],
    requiredTools: 'Bota de borracha (se tiver).',
    providedTools: 'Luvas, sacos, ganchos de coleta, caiaques e coletes salva-vidas para a equipe aquática.',
    whatToBring: 'Roupa que possa sujar, repelente, garrafa d’água e lanche.',
    resources: [COMMON_RESOURCES.bags, COMMON_RESOURCES.gloves, COMMON_RESOURCES.water, COMMON_RESOURCES.firstaid, COMMON_RESOURCES.scale,
      { name: 'Botas de borracha', type: 'equipment', unit: 'pares', min: 10, max: 40, description: 'Numeração 36 a 44.' },
      { name: 'Ganchos de coleta', type: 'tool', unit: 'unidade', min: 5, max: 25, description: '' },
      { name: 'Coletes salva-vidas', type: 'equipment', unit: 'unidade', min: 4, max: 16, description: 'Para a equipe de caiaque.' }],
    capacity: [10, 50],
    hours: [3, 5],
    impact: { trashKg: [4, 15], areaM2: [100, 400], recyclableKg: [1, 5] },
    summaries: ['Retiramos {trash} kg de resíduos {do} {p}, incluindo pneus, sofás e muito plástico.', 'Foram limpos aproximadamente {area} m² de margem {do} {p}.'],
    achievements: ['Três pontos de descarte irregular foram mapeados e enviados à prefeitura.', 'Retiramos 12 pneus do leito do rio.', 'Garças voltaram a pousar no trecho limpo no fim da manhã.'],
  },
  'Plantio de Árvores': {
    places: ['parks', 'neighbourhoods'],
    titles: ['Plantio de mudas nativas {no} {p}', 'parks|Reflorestamento {do} {p}', 'parks|Plantio de ipês e pau-brasil {no} {p}', 'neighbourhoods|Arborização de ruas {no} {p}', 'Mil árvores para {o} {p}'],
    descriptions: [
      'Plantio de mudas de espécies nativas da região (ipê, pau-brasil, aroeira, jatobá). Orientação de técnicos sobre covas, adubação e tutoramento.',
      'Vamos recuperar uma área degradada com espécies nativas e fazer o coroamento das mudas plantadas no último mutirão.',
      'Arborização urbana: plantio nas calçadas com autorização da prefeitura. Cada morador pode adotar uma muda.',
    ],
    requiredTools: 'Enxada ou cavadeira (se tiver).',
    providedTools: 'Mudas, adubo orgânico, tutores, enxadas e regadores.',
    whatToBring: 'Luvas de jardinagem, chapéu, protetor solar, garrafa d’água e roupa que possa sujar de terra.',
    resources: [COMMON_RESOURCES.water, COMMON_RESOURCES.gloves,
      { name: 'Mudas nativas', type: 'material', unit: 'mudas', min: 50, max: 500, description: 'Ipê-amarelo, pau-brasil, aroeira, jatobá, ingá.' },
      { name: 'Adubo orgânico', type: 'material', unit: 'kg', min: 50, max: 400, description: 'Composto da horta comunitária.' },
      { name: 'Enxadas', type: 'tool', unit: 'unidade', min: 5, max: 30, description: '' },
      { name: 'Cavadeiras', type: 'tool', unit: 'unidade', min: 3, max: 15, description: '' },
      { name: 'Tutores de bambu', type: 'material', unit: 'unidade', min: 50, max: 500, description: '' }],
    capacity: [10, 60],
    hours: [3, 5],
    impact: { trees: [3, 12], areaM2: [50, 200] },
    summaries: ['Plantamos {trees} mudas de espécies nativas {no} {p}.', '{trees} novas árvores {no} {p}, numa área de cerca de {area} m².'],
    achievements: ['Cada muda recebeu uma placa com o nome de quem plantou.', 'Escola vizinha adotou a área para a rega semanal.', 'Taxa de pegamento das mudas do mutirão anterior: 92 %.'],
  },
  'Limpeza de Parques': {
    places: ['parks'],
    titles: ['Limpeza {do} {p}', 'Cuidando {do} {p}: mutirão de limpeza', 'Manutenção de trilhas {no} {p}', 'Parque limpo é parque vivo: {p}'],
    descriptions: [
      'Limpeza de trilhas, recolhimento de resíduos e retirada de plantas invasoras, com apoio da administração do parque.',
      'Mutirão de manutenção: limpeza dos lagos, pintura de lixeiras e recolhimento de resíduos nas áreas de piquenique.',
    ],
    requiredTools: 'Nenhuma.',
    providedTools: 'Luvas, sacos, ancinhos e carrinhos de mão.',
    whatToBring: 'Garrafa d’água, repelente, boné e tênis.',
    resources: [COMMON_RESOURCES.bags, COMMON_RESOURCES.gloves, COMMON_RESOURCES.water,
      { name: 'Ancinhos', type: 'tool', unit: 'unidade', min: 5, max: 25, description: '' },
      { name: 'Carrinhos de mão', type: 'equipment', unit: 'unidade', min: 2, max: 8, description: '' },
      { name: 'Tinta para lixeiras', type: 'material', unit: 'litros', min: 5, max: 30, description: 'Tinta acrílica verde.' }],
    capacity: [15, 80],
    hours: [3, 4],
    impact: { trashKg: [1, 5], areaM2: [200, 900], recyclableKg: [0.3, 2] },
    summaries: ['Recolhemos {trash} kg de resíduos e limpamos {area} m² {do} {p}.', 'Trilhas {do} {p} limpas: {trash} kg de lixo retirados.'],
    achievements: ['20 lixeiras repintadas.', 'Trilha principal reaberta após a retirada de galhos caídos.', 'Parceria firmada com a administração do parque para mutirões mensais.'],
  },
  Reciclagem: {
    places: ['neighbourhoods'],
    titles: ['Ecoponto itinerante {no} {p}', 'Coleta de eletrônicos {no} {p}', 'Triagem de recicláveis com a cooperativa {do} {p}', 'Coleta de óleo de cozinha usado {no} {p}', 'Dia da reciclagem {no} {p}'],
    descriptions: [
      'Ponto de entrega voluntária de recicláveis e eletrônicos. Voluntários ajudam na recepção, pesagem e triagem do material entregue pelos moradores.',
      'Mutirão com a cooperativa de catadores do bairro: separação de plástico, papel, vidro e metal e orientação aos moradores sobre coleta seletiva.',
    ],
    requiredTools: 'Nenhuma.',
    providedTools: 'Luvas, big bags, balança e mesas de triagem.',
    whatToBring: 'Recicláveis limpos de casa, garrafa d’água.',
    resources: [COMMON_RESOURCES.bigbags, COMMON_RESOURCES.gloves, COMMON_RESOURCES.scale,
      { name: 'Mesas de triagem', type: 'equipment', unit: 'unidade', min: 2, max: 8, description: '' },
      { name: 'Bombonas para óleo usado', type: 'material', unit: 'unidade', min: 2, max: 10, description: 'Bombonas de 50 L.' },
      { name: 'Caminhão da cooperativa', type: 'other', unit: 'viagens', min: 1, max: 3, description: 'Transporte do material triado.' }],
    capacity: [10, 50],
    hours: [4, 6],
    impact: { recyclableKg: [10, 40], trashKg: [0, 2] },
    summaries: ['Recebemos e triamos {recyclable} kg de recicláveis {no} {p}.', '{recyclable} kg de material reciclável entregues à cooperativa.'],
    achievements: ['Mais de 200 moradores entregaram material.', 'Coletamos 80 litros de óleo de cozinha usado.', 'Renda da venda dos recicláveis revertida para a cooperativa.'],
  },
  'Educação Ambiental': {
    places: ['neighbourhoods', 'parks'],
    titles: ['Oficina de compostagem doméstica {no} {p}', 'parks|Trilha interpretativa {no} {p}', 'neighbourhoods|Roda de conversa: lixo zero {no} {p}', 'neighbourhoods|Educação ambiental nas escolas {do} {p}', 'neighbourhoods|Oficina de brinquedos com recicláveis {no} {p}'],
    descriptions: [
      'Oficina prática para montar uma composteira doméstica com baldes. Cada participante leva para casa seu kit.',
      'Atividades educativas para crianças e famílias sobre resíduos, água e biodiversidade local. Voluntários conduzem as estações.',
      'Caminhada guiada com biólogos: identificação de árvores e aves e conversa sobre a conservação da área.',
    ],
    requiredTools: 'Nenhuma.',
    providedTools: 'Material didático, baldes e minhocas para as composteiras.',
    whatToBring: 'Caderno para anotações e garrafa d’água.',
    resources: [COMMON_RESOURCES.water,
      { name: 'Kits de composteira', type: 'material', unit: 'kits', min: 10, max: 40, description: 'Três baldes empilháveis com torneira.' },
      { name: 'Material didático impresso', type: 'material', unit: 'unidade', min: 30, max: 200, description: 'Cartilhas sobre coleta seletiva.' },
      { name: 'Caixa de som', type: 'equipment', unit: 'unidade', min: 1, max: 2, description: '' },
      { name: 'Tenda 3×3 m', type: 'equipment', unit: 'unidade', min: 1, max: 4, description: '' }],
    capacity: [10, 60],
    hours: [2, 4],
    impact: {},
    summaries: ['Oficina realizada {no} {p} com participação ativa das famílias.', 'Atividades educativas {no} {p}: {participants} voluntários conduziram as estações.'],
    achievements: ['30 composteiras montadas e levadas para casa.', 'Duas escolas pediram a oficina para o próximo semestre.', 'As crianças identificaram 15 espécies de aves.'],
  },
  'Limpeza Urbana': {
    places: ['neighbourhoods'],
    titles: ['Mutirão de limpeza de calçadas {no} {p}', 'Limpeza de terreno baldio {no} {p}', 'Fim dos pontos de lixo {no} {p}', 'Limpeza das escadarias {do} {p}', 'Bairro limpo: {p}'],
    descriptions: [
      'Limpeza de um terreno usado como ponto de descarte irregular e instalação de placas educativas. Depois, plantio de flores no local.',
      'Mutirão de moradores para limpar calçadas, bocas de lobo e escadarias antes da temporada de chuvas.',
    ],
    requiredTools: 'Vassoura ou pá (se tiver).',
    providedTools: 'Luvas, sacos, pás e vassouras; caçamba cedida pela prefeitura.',
    whatToBring: 'Roupa que possa sujar, calçado fechado, garrafa d’água.',
    resources: [COMMON_RESOURCES.bags, COMMON_RESOURCES.gloves, COMMON_RESOURCES.water,
      { name: 'Pás', type: 'tool', unit: 'unidade', min: 5, max: 20, description: '' },
      { name: 'Vassouras', type: 'tool', unit: 'unidade', min: 5, max: 25, description: '' },
      { name: 'Caçamba', type: 'equipment', unit: 'unidade', min: 1, max: 3, description: 'Cedida pela prefeitura.' }],
    capacity: [10, 60],
    hours: [3, 5],
    impact: { trashKg: [5, 25], areaM2: [100, 500], recyclableKg: [1, 4] },
    summaries: ['Retiramos {trash} kg de entulho e lixo {do} {p}.', 'Limpamos {area} m² de calçadas e terrenos {no} {p}.'],
    achievements: ['O terreno virou um jardim comunitário.', 'Bocas de lobo desobstruídas antes das chuvas.', 'Prefeitura instalou contêineres no antigo ponto de lixo.'],
  },
  'Proteção Animal': {
    places: ['beaches', 'parks', 'neighbourhoods'],
    titles: ['beaches|Monitoramento de ninhos de tartaruga {na} {p}', 'parks|Resgate e reabilitação de fauna {no} {p}', 'neighbourhoods|Feira de adoção e castração {no} {p}', 'neighbourhoods|Mutirão no abrigo de animais {do} {p}', 'parks|Censo de aves {no} {p}'],
    descriptions: [
      'Apoio a biólogos no monitoramento de ninhos e na orientação de banhistas. Treinamento no início da atividade.',
      'Mutirão no abrigo: limpeza de baias, banho e socialização dos animais à espera de adoção.',
      'Contagem de aves e registro de fauna com apoio de especialistas, para o inventário de biodiversidade local.',
    ],
    requiredTools: 'Binóculo (opcional).',
    providedTools: 'Luvas, material de limpeza e fichas de registro.',
    whatToBring: 'Roupa confortável, repelente e garrafa d’água.',
    resources: [COMMON_RESOURCES.gloves, COMMON_RESOURCES.water, COMMON_RESOURCES.firstaid,
      { name: 'Ração', type: 'material', unit: 'kg', min: 20, max: 200, description: 'Doação para o abrigo.' },
      { name: 'Binóculos', type: 'equipment', unit: 'unidade', min: 2, max: 10, description: '' },
      { name: 'Estacas e fitas de sinalização', type: 'material', unit: 'unidade', min: 20, max: 100, description: 'Para cercar os ninhos.' }],
    capacity: [8, 40],
    hours: [3, 5],
    impact: { areaM2: [50, 300] },
    summaries: ['Atividade de proteção animal {no} {p} com {participants} voluntários.', 'Monitoramos {area} m² {da} {p}.'],
    achievements: ['12 ninhos sinalizados.', '8 animais adotados durante a feira.', '37 espécies de aves registradas.'],
  },
  'Hortas Comunitárias': {
    places: ['neighbourhoods'],
    titles: ['Mutirão na horta comunitária {do} {p}', 'Plantio de canteiros na horta {do} {p}', 'Horta de ervas medicinais {no} {p}', 'Colheita e replantio na horta {do} {p}'],
    descriptions: [
      'Preparo de canteiros, plantio de hortaliças e ervas e manutenção do sistema de irrigação por gotejamento da horta comunitária.',
      'Dia de colheita e replantio. Os alimentos colhidos são doados para a cozinha comunitária do bairro.',
    ],
    requiredTools: 'Luvas de jardinagem (se tiver).',
    providedTools: 'Sementes, mudas, enxadas, regadores e composto.',
    whatToBring: 'Chapéu, garrafa d’água e disposição.',
    resources: [COMMON_RESOURCES.water,
      { name: 'Sementes de hortaliças', type: 'material', unit: 'pacotes', min: 10, max: 60, description: 'Alface, couve, cenoura, coentro.' },
      { name: 'Composto orgânico', type: 'material', unit: 'kg', min: 30, max: 300, description: '' },
      { name: 'Regadores', type: 'tool', unit: 'unidade', min: 4, max: 15, description: '' },
      { name: 'Mangueira de gotejamento', type: 'material', unit: 'metros', min: 20, max: 150, description: '' }],
    capacity: [8, 40],
    hours: [3, 4],
    impact: { trees: [0, 2], areaM2: [20, 100] },
    summaries: ['Preparamos {area} m² de canteiros na horta {do} {p}.', 'Horta {do} {p}: canteiros novos e {trees} mudas frutíferas plantadas.'],
    achievements: ['Primeira colheita doada para a cozinha comunitária.', 'Sistema de irrigação consertado.', 'Moradores formaram uma escala de rega.'],
  },
  'Preservação de Mangues': {
    places: ['mangroves'],
    titles: ['Replantio de mangue {no} {p}', 'Limpeza {do} {p}', 'Retirada de lixo {do} {p} com marisqueiras', 'Mangue vivo: mutirão {no} {p}'],
    descriptions: [
      'Retirada de resíduos presos nas raízes do mangue na maré baixa e replantio de propágulos de mangue-vermelho em áreas degradadas.',
      'Mutirão com pescadores e marisqueiras da comunidade. Atividade na lama: use roupas velhas e calçados que possam molhar.',
    ],
    requiredTools: 'Bota de borracha ou sapatilha de neoprene.',
    providedTools: 'Luvas, sacos, propágulos de mangue e sacos de ráfia.',
    whatToBring: 'Roupa velha, repelente, protetor solar, água e muda de roupa.',
    resources: [COMMON_RESOURCES.bags, COMMON_RESOURCES.gloves, COMMON_RESOURCES.water,
      { name: 'Propágulos de mangue-vermelho', type: 'material', unit: 'unidade', min: 100, max: 800, description: 'Coletados no viveiro comunitário.' },
      { name: 'Botas de borracha', type: 'equipment', unit: 'pares', min: 10, max: 40, description: '' },
      { name: 'Canoa de apoio', type: 'equipment', unit: 'unidade', min: 1, max: 3, description: 'Cedida pela colônia de pescadores.' }],
    capacity: [10, 60],
    hours: [3, 4],
    impact: { trashKg: [2, 10], trees: [5, 25], areaM2: [100, 400] },
    summaries: ['Retiramos {trash} kg de resíduos {do} {p} e plantamos {trees} propágulos.', 'Recuperamos {area} m² {do} {p}.'],
    achievements: ['Caranguejos-uçá voltaram à área replantada no ano passado.', 'Colônia de pescadores se comprometeu a cuidar da área.', 'Retiramos 300 m de rede de pesca abandonada.'],
  },
};

/** For categories the database has that this catalogue does not know (added later by an admin). */
export const GENERIC_PROFILE: CategoryProfile = {
  places: ['neighbourhoods', 'parks'],
  titles: ['Mutirão ambiental {no} {p}', 'Ação comunitária {no} {p}'],
  descriptions: ['Mutirão comunitário de cuidado ambiental. Todas as idades são bem-vindas; orientação no início da atividade.'],
  requiredTools: 'Nenhuma.',
  providedTools: 'Luvas e sacos.',
  whatToBring: 'Garrafa d’água e protetor solar.',
  resources: [COMMON_RESOURCES.bags, COMMON_RESOURCES.gloves, COMMON_RESOURCES.water],
  capacity: [10, 50],
  hours: [2, 4],
  impact: { trashKg: [0.5, 3] },
  summaries: ['Mutirão realizado {no} {p} com {participants} voluntários.'],
  achievements: ['Comunidade engajada e novos voluntários cadastrados.'],
};

export const CHALLENGES = [
  'Chuva forte na primeira hora; reorganizamos as equipes.',
  'Calor intenso: fizemos pausas a cada 40 minutos.',
  'Faltaram luvas no tamanho P.',
  'Maré subiu antes do previsto e encurtou a atividade.',
  'Pouca sombra no ponto de encontro.',
  'Difícil acesso para quem veio de ônibus.',
  'Descarte irregular voltou a aparecer em poucos dias.',
  '',
];

export const MEETING_POINTS = ['entrada principal', 'ao lado do quiosque', 'estacionamento', 'portão principal', 'ao lado do bicicletário', 'em frente à sede da administração'];
export const STREETS = ['Rua das Flores', 'Avenida Beira-Mar', 'Rua Sete de Setembro', 'Rua Quinze de Novembro', 'Avenida Getúlio Vargas', 'Rua Castro Alves', 'Rua Rui Barbosa', 'Rua José de Alencar', 'Avenida Brasil', 'Rua da Paz', 'Travessa São José', 'Rua Tiradentes'];

export const COMMENTS_BEFORE = [
  'Precisa levar luvas ou vocês vão fornecer?',
  'Tem estacionamento perto do ponto de encontro?',
  'Posso levar meu filho de 12 anos?',
  'Qual linha de ônibus passa perto?',
  'Se chover, o mutirão é cancelado?',
  'Vou com mais três amigos do trabalho!',
  'Primeira vez que participo, estou animada!',
  'Alguém de Messejana quer dividir um carro?',
  'Vai ter lanche ou é para levar?',
  'Que iniciativa linda, contem comigo.',
];
export const COMMENTS_AFTER = [
  'Foi incrível! Obrigada a todos pela energia.',
  'Não acreditei na quantidade de plástico que tiramos.',
  'Parabéns à organização, tudo muito bem explicado.',
  'Quando é o próximo? Quero levar minha turma da escola.',
  'Meu primeiro mutirão e com certeza não o último.',
  'As fotos ficaram lindas! Onde posso baixar?',
  'Faltou sombra, mas valeu cada minuto.',
  'Saí cansado e feliz. Até a próxima!',
];
export const ORGANIZER_REPLIES_BEFORE = [
  'Vamos fornecer luvas e sacos, mas se tiver as suas, traga!',
  'Sim! Menores de 16 anos acompanhados de um responsável.',
  'Em caso de chuva forte avisaremos aqui até a noite anterior.',
  'Tem água para todos; lanche é por conta de cada um.',
  'Obrigado! Nos vemos lá.',
];
export const ORGANIZER_REPLIES_AFTER = [
  'Nós que agradecemos! O relatório de impacto já está publicado.',
  'As fotos estão na página do evento.',
  'O próximo será no mês que vem, fiquem de olho!',
  'Anotado, vamos melhorar a estrutura de sombra.',
];
